using System.CommandLine;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary><c>edgebert-train export --model run/best --out model.ebm</c>: writes an FP32 .ebm model with scores in its provenance.</summary>
public static class ExportCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var model = CommandSupport.Required<string>("--model", "Model directory (finetune's OUT/best, pretrain's OUT/best or import's output).");
        var output = CommandSupport.Required<string>("--out", "The .ebm file to write.");
        var task = new Option<string?>("--task") { Description = "Task name for the provenance (default: from scores.json)." };
        var command = new Command("export", "Export a trained FP32 model to a .ebm file.") { model, output, task };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                string directory = parse.GetValue(model)!;
                using TorchBertModel bert = TorchBertModel.Load(directory);
                BertConfig config = bert.Config;
                var vocabulary = ModelDirectory.ReadVocabulary(directory);
                var writer = EbmExporter.Build(TorchStudentExport.Weights(bert), vocabulary.Tokens, ModelDirectory.ReadScores(directory), parse.GetValue(task));
                string path = parse.GetValue(output)!;
                string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
                if (parent is not null) Directory.CreateDirectory(parent);
                writer.WriteTo(path);
                ui.MarkupLine(Markup.Escape($"wrote {path}: {config.Layers}×{config.Hidden} fp32, {vocabulary.Count} tokens, labels [{string.Join(",", config.Labels)}]"));
                return Program.ExitOk;
            });
        });
        return command;
    }
}
