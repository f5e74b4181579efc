using System.CommandLine;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using TorchSharp;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train eval --model run/best --data test.jsonl</c>: accuracy, F1, MCC and loss of a
/// classifier, over the whole file and, for a JSONL file with a <c>"view"</c> member (the
/// importer's subject / first25 / whole views), over each view (one column each).
/// </summary>
public static class EvalCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var model = CommandSupport.Required<string>("--model", "Model directory (finetune's OUT/best).");
        var data = CommandSupport.Required<string>("--data", "Labelled examples (.jsonl or .tsv).");
        var batchSize = CommandSupport.Option("--batch-size", "Sequences per forward pass.", 32);
        var threads = CommandSupport.Option("--threads", "Threads.", Math.Min(Environment.ProcessorCount, 2));
        var engine = new EngineOptions();
        var command = new Command("eval", "Score a fine-tuned model on labelled data (accuracy, F1, MCC).") { model, data, batchSize, threads };
        engine.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                if (parse.GetValue(batchSize) < 1) throw new ArgumentException($"--batch-size must be at least 1 (got {parse.GetValue(batchSize)}).");
                if (parse.GetValue(threads) < 1) throw new ArgumentException($"--threads must be at least 1 (got {parse.GetValue(threads)}).");
                EngineOptions.Start(parse.GetValue(threads));
                string directory = parse.GetValue(model)!;
                BertConfig config = ModelDirectory.ReadConfig(directory);
                if (config.Labels.Count == 0) throw new ArgumentException($"{directory}: the model has no classifier labels; fine-tune it first.");
                var tokenizer = ExampleEncoder.Tokenizer(ModelDirectory.ReadVocabulary(directory), config);
                int pad = tokenizer.Vocabulary.PaddingId ?? 0, size = parse.GetValue(batchSize);
                using TorchBertModel torchModel = TorchBertModel.Load(directory);
                torchModel.to(engine.TorchDevice(parse));
                EvalResult Score(List<EncodedExample> examples) => TorchClassificationTask.Score(torchModel, examples, config.Labels.Count, size, pad);
                var labelled = TaskFile.Read(parse.GetValue(data)!).ToList();
                // The whole file, then each view of the importer's (subject, first25, whole) on its own.
                var groups = new List<(string Name, List<LabeledExample> Examples)> { ("all", labelled) };
                groups.AddRange(labelled.Where(e => e.View is not null).GroupBy(e => e.View!).Select(g => ($"view {g.Key}", g.ToList())));
                var table = new Table().AddColumn("metric");
                var results = new List<(int Count, EvalResult Result)>();
                foreach (var (name, group) in groups)
                {
                    var examples = ExampleEncoder.Encode(group, tokenizer, config.Labels);
                    results.Add((examples.Count, Score(examples)));
                    table.AddColumn(new TableColumn(name).RightAligned());
                }
                var ci = System.Globalization.CultureInfo.InvariantCulture;
                table.AddRow(["examples", .. results.Select(r => r.Count.ToString(ci))]);
                foreach (string name in new[] { "accuracy", "f1", "mcc", "loss" })
                {
                    table.AddRow([name, .. results.Select(r => r.Result.Values[name].ToString("0.0000", ci))]);
                }

                ui.Write(table);
                return Program.ExitOk;
            });
        });
        return command;
    }
}
