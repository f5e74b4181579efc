using System.CommandLine;
using System.Globalization;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using TorchSharp;
using Spectre.Console;
using ModelFormatException = EdgeBert.Format.ModelFormatException;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train parity --model run/best --ebm model.ebm --data test.jsonl</c>: the trainer's
/// forward and the runtime on the exported .ebm must give the same predictions and logits within
/// a tolerance on <c>|Δ| / max(1, |trainer logit|)</c>; exits 1 otherwise.
/// </summary>
public static class ParityCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var model = CommandSupport.Required<string>("--model", "Model directory (finetune's OUT/best) the .ebm was exported from.");
        var ebm = CommandSupport.Required<string>("--ebm", "The exported .ebm file.");
        var data = CommandSupport.Required<string>("--data", "Labelled examples (.jsonl or .tsv).");
        var tolerance = CommandSupport.Option("--tolerance", "Bound on |Δlogit| / max(1, |trainer logit|).", 1e-4);
        var batchSize = CommandSupport.Option("--batch-size", "Sequences per trainer forward pass (shorter ones are padded and masked).", 16);
        var threads = CommandSupport.Option("--threads", "Threads.", Math.Min(Environment.ProcessorCount, 2));
        var engine = new EngineOptions();
        var command = new Command("parity", "Check that the runtime on an exported .ebm matches the trainer (predictions and logits).")
        {
            model, ebm, data, tolerance, batchSize, threads,
        };
        engine.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                if (parse.GetValue(threads) < 1) throw new ArgumentException($"--threads must be at least 1 (got {parse.GetValue(threads)}).");
                EngineOptions.Start(parse.GetValue(threads));
                string directory = parse.GetValue(model)!;
                BertConfig config = ModelDirectory.ReadConfig(directory);
                if (config.Labels.Count == 0) throw new ArgumentException($"{directory}: the model has no classifier labels; fine-tune it first.");
                var vocabulary = ModelDirectory.ReadVocabulary(directory);
                using RuntimeModel runtime = LoadRuntime(parse.GetValue(ebm)!);
                RequireSameVocabulary(vocabulary.Tokens, runtime.Vocabulary.Tokens, directory, runtime.Source);

                // Tokenized once with the Core tokenizer: both sides see the same ids.
                var tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
                var examples = ExampleEncoder.Encode(TaskFile.Read(parse.GetValue(data)!), tokenizer, config.Labels);
                int size = parse.GetValue(batchSize);
                if (size < 1) throw new ArgumentException($"parity: the batch size must be at least 1 (got {size}).");
                using TorchBertModel bert = TorchBertModel.Load(directory);
                // A quantized student's checkpoint holds latent FP32 weights: the TorchSharp quantizers of its method.
                Torch.Quantization.TorchStudentQuantization.Apply(bert, runtime.Metadata);
                bert.to(engine.TorchDevice(parse));
                ParityReport report = RuntimeParity.Compare(config.Labels, () => TorchLogits.InOrder(bert, examples, size, runtime.Vocabulary.PaddingId ?? 0), runtime, examples, parse.GetValue(tolerance), parse.GetValue(threads));

                Write(ui, report);
                return report.Passed ? Program.ExitOk : Program.ExitBadInput;
            });
        });
        return command;
    }

    /// <summary>Loads the .ebm; a format error becomes the one-line bad-input error the other commands give.</summary>
    private static RuntimeModel LoadRuntime(string path)
    {
        try
        {
            return RuntimeModel.Load(path);
        }
        catch (ModelFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    private static void RequireSameVocabulary(IReadOnlyList<string> checkpoint, IReadOnlyList<string> exported, string directory, string source)
    {
        if (checkpoint.Count != exported.Count)
        {
            throw new ArgumentException($"{directory} has {checkpoint.Count} vocabulary tokens but {source} has {exported.Count}: was the .ebm exported from this checkpoint?");
        }

        for (int i = 0; i < checkpoint.Count; i++)
        {
            if (!string.Equals(checkpoint[i], exported[i], StringComparison.Ordinal))
            {
                throw new ArgumentException($"Vocabulary token {i} is '{checkpoint[i]}' in {directory} but '{exported[i]}' in {source}: was the .ebm exported from this checkpoint?");
            }
        }
    }

    internal static void Write(IAnsiConsole ui, ParityReport r)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("examples", r.Count.ToString(inv));
        table.AddRow("predictions agree", string.Create(inv, $"{r.Agreements}/{r.Count} ({r.AgreementRate * 100:0.00}%)"));
        table.AddRow("max |Δlogit| absolute", r.MaxAbsoluteDelta.ToString("0.000e+00", inv));
        table.AddRow("max |Δlogit| / max(1, |logit|)", r.MaxRelativeDelta.ToString("0.000e+00", inv));
        table.AddRow("tolerance (on the relative measure)", r.Tolerance.ToString("0.###e+00", inv));
        table.AddRow("trainer accuracy", string.Create(inv, $"{(double)r.TrainerCorrect / r.Count:0.0000}"));
        table.AddRow("runtime accuracy", string.Create(inv, $"{(double)r.RuntimeCorrect / r.Count:0.0000}"));
        ui.Write(table);
        ui.MarkupLine(Markup.Escape(string.Create(inv, $"worst example {r.Worst.Index}: trainer [{Join(r.Worst.TrainerLogits)}] runtime [{Join(r.Worst.RuntimeLogits)}]")));
        foreach (ParityMismatch m in r.Mismatches)
        {
            ui.MarkupLine(Markup.Escape(string.Create(inv, $"mismatch at example {m.Index}: trainer [{Join(m.TrainerLogits)}] runtime [{Join(m.RuntimeLogits)}] relative Δ {m.RelativeDelta:0.000e+00}")));
        }

        ui.MarkupLine(r.Passed ? "[green]parity: PASS[/]" : "[red]parity: FAIL[/]");
    }

    private static string Join(float[] values) => string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
