using System.CommandLine;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary><c>edgebert-train eval --model run/best --data test.jsonl</c>: accuracy, F1, MCC and loss of a classifier.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var model = CommandSupport.Required<string>("--model", "Model directory (finetune's OUT/best).");
        var data = CommandSupport.Required<string>("--data", "Labelled examples (.jsonl or .tsv).");
        var batchSize = CommandSupport.Option("--batch-size", "Sequences per forward pass.", 32);
        var threads = CommandSupport.Option("--threads", "Threads.", Math.Min(Environment.ProcessorCount, 2));
        var command = new Command("eval", "Score a fine-tuned model on labelled data (accuracy, F1, MCC).") { model, data, batchSize, threads };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                if (parse.GetValue(batchSize) < 1) throw new ArgumentException($"--batch-size must be at least 1 (got {parse.GetValue(batchSize)}).");
                if (parse.GetValue(threads) < 1) throw new ArgumentException($"--threads must be at least 1 (got {parse.GetValue(threads)}).");
                TrainerThreads.Count = parse.GetValue(threads);
                string directory = parse.GetValue(model)!;
                BertModel bert = ModelDirectory.Load(directory);
                if (bert.Config.Labels.Count == 0) throw new ArgumentException($"{directory}: the model has no classifier labels; fine-tune it first.");
                var tokenizer = ExampleEncoder.Tokenizer(ModelDirectory.ReadVocabulary(directory), bert.Config);
                var examples = ExampleEncoder.Encode(TaskFile.Read(parse.GetValue(data)!), tokenizer, bert.Config.Labels);
                EvalResult result = ClassificationTask.Score(bert, examples, bert.Config.Labels.Count, parse.GetValue(batchSize), tokenizer.Vocabulary.PaddingId ?? 0);
                var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
                table.AddRow("examples", examples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                foreach (string name in new[] { "accuracy", "f1", "mcc", "loss" })
                {
                    table.AddRow(name, result.Values[name].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
                }

                ui.Write(table);
                return Program.ExitOk;
            });
        });
        return command;
    }
}
