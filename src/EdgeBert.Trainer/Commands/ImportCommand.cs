using System.CommandLine;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Torch;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train import --hf bert-dir --out model-dir</c>: converts a local HuggingFace BERT
/// checkpoint (config.json, vocab.txt, model.safetensors) into a trainer model directory that
/// <c>finetune --init</c>, <c>eval</c> and <c>export</c> accept. Nothing is downloaded.
/// </summary>
public static class ImportCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var hf = CommandSupport.Required<string>("--hf", "Directory of a HuggingFace BERT checkpoint.");
        var output = CommandSupport.Required<string>("--out", "Model directory to write.");
        var command = new Command("import", "Import a local HuggingFace BERT checkpoint (safetensors).") { hf, output };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                string source = parse.GetValue(hf)!;
                if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"--hf {source}: no such directory.");
                var (model, vocabulary) = HuggingFaceImporter.Import(source);
                using var imported = model;
                string target = parse.GetValue(output)!;
                TorchModelDirectory.Save(target, model, vocabulary.Tokens);
                var c = model.Config;
                ui.MarkupLine(Markup.Escape($"imported {source} → {target}: {c.Layers}×{c.Hidden} (heads {c.Heads}, ffn {c.Ffn}), {c.VocabSize} tokens, labels [{string.Join(",", c.Labels)}]"));
                return Program.ExitOk;
            });
        });
        return command;
    }
}
