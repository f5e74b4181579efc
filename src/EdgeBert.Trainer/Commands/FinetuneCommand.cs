using System.CommandLine;
using EdgeBert.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train finetune --train train.jsonl --dev dev.jsonl [--test test.jsonl]
/// (--vocab vocab.txt | --init model-dir) --out run/</c>: sequence-classification fine-tuning.
/// The best dev model lands in <c>run/best</c> (with <c>scores.json</c>, test scores included),
/// the resumable checkpoint in <c>run/last</c>, the metrics log in <c>run/metrics.jsonl</c>.
/// </summary>
public static class FinetuneCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var train = CommandSupport.Required<string>("--train", "Training examples (.jsonl with text/label, or .tsv).");
        var dev = new Option<string?>("--dev") { Description = "Dev examples for evaluation and best-checkpoint selection." };
        var test = new Option<string?>("--test") { Description = "Test examples, scored once with the best model." };
        var vocab = new Option<string?>("--vocab") { Description = "vocab.txt of a new model (see the vocab command)." };
        var init = new Option<string?>("--init") { Description = "Start from this model directory (pretrain's best/, or import's output)." };
        var labels = new Option<string?>("--labels") { Description = "Comma-separated labels in logit order (default: the training labels, sorted)." };
        var metric = CommandSupport.Option("--metric", "Dev metric that picks the best checkpoint: accuracy, f1 or mcc.", "accuracy");
        var taskName = new Option<string?>("--task") { Description = "Task name recorded in scores.json and the exported model." };
        var trainWindows = CommandSupport.TrainWindows();
        var sizes = new ModelSizeOptions();
        var run = new TrainingRunOptions(defaultLearningRate: 5e-5f, defaultEpochs: 3, defaultBatchSize: 16);
        var engine = new EngineOptions();
        var command = new Command("finetune", "Fine-tune a BERT sequence classifier (best dev model in OUT/best).")
        {
            train, dev, test, vocab, init, labels, metric, taskName, trainWindows,
        };
        sizes.AddTo(command);
        run.AddTo(command);
        engine.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                TrainingOptions options = run.Build(parse);
                string? initDir = parse.GetValue(init);
                string? vocabPath = parse.GetValue(vocab);
                if ((initDir is null) == (vocabPath is null)) throw new ArgumentException("give exactly one of --vocab (new model) or --init (model directory).");
                WordPieceVocabulary vocabulary = initDir is null ? WordPieceVocabulary.Load(vocabPath!) : ModelDirectory.ReadVocabulary(initDir);
                List<Data.LabeledExample> trainExamples = [.. TaskFile.Read(parse.GetValue(train)!)];
                string[] labelList = parse.GetValue(labels) is { } l
                    ? l.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    : ExampleEncoder.Labels(trainExamples);
                if (labelList.Length < 2) throw new ArgumentException($"finetune needs at least 2 labels; found {string.Join(",", labelList)}.");
                BertConfig config = initDir is null
                    ? sizes.Config(parse, vocabulary.Count, labelList)
                    : ModelDirectory.ReadConfig(initDir) with { Labels = labelList };
                config.Validate();
                BertTokenizer tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
                int pad = vocabulary.PaddingId ?? 0;
                var trainSet = ExampleEncoder.Encode(trainExamples, tokenizer, labelList, parse.GetValue(trainWindows));
                var devSet = parse.GetValue(dev) is { } d ? ExampleEncoder.Encode(TaskFile.Read(d), tokenizer, labelList) : [];
                int batchSize = parse.GetValue(run.BatchSize);
                string metricName = parse.GetValue(metric)!;
                void Describe(long updates) => ui.MarkupLine(Markup.Escape($"finetune: {trainSet.Count} train / {devSet.Count} dev examples, labels {string.Join(",", labelList)}, " +
                    $"{config.Layers}×{config.Hidden} (heads {config.Heads}, ffn {config.Ffn}), {updates} updates, {options.AdamW.WeightDecay} decay, seed {options.Seed}"));
                EngineOptions.Start(parse.GetValue(run.Threads));
                FinetuneRun trained = TorchFinetune.Train(ui, engine.TorchDevice(parse), config, initDir, vocabulary.Tokens, trainSet, devSet, batchSize, pad, metricName, options, Describe);
                TrainingResult result = trained.Result;
                if (result.Interrupted)
                {
                    ui.MarkupLine(Markup.Escape($"stopped after step {result.Steps}; continue with the same options and --resume."));
                    return Program.ExitOk;
                }

                string best = trained.BestDirectory;
                ModelScores scores = (ModelDirectory.ReadScores(best) ?? new ModelScores()) with { Task = parse.GetValue(taskName), Metric = metricName };
                if (parse.GetValue(test) is { } testPath)
                {
                    var testSet = ExampleEncoder.Encode(TaskFile.Read(testPath), tokenizer, labelList);
                    EvalResult testResult = trained.ScoreBest(testSet);
                    scores = scores with { Test = new(testResult.Values) };
                    ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples): " + string.Join(" ", testResult.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value:0.0000}"))));
                }

                ModelDirectory.WriteScores(best, scores);
                ui.MarkupLine(Markup.Escape($"best model (step {scores.Step}): {best}"));
                return Program.ExitOk;
            });
        });
        return command;
    }

    /// <summary>
    /// The weights of <c>--init</c>; with other labels (or none) than <paramref name="labels"/> the
    /// classifier's tensors are dropped, so it starts fresh, as in HF's from_pretrained with a new head.
    /// </summary>
    internal static Dictionary<string, SafeTensor> InitTensors(string initDir, IReadOnlyList<string> labels)
    {
        var tensors = SafeTensors.Read(Path.Combine(initDir, ModelDirectory.WeightsFile));
        if (!ModelDirectory.ReadConfig(initDir).Labels.SequenceEqual(labels))
        {
            foreach (string name in tensors.Keys.Where(n => n.StartsWith("classifier.", StringComparison.Ordinal)).ToList()) tensors.Remove(name);
        }

        return tensors;
    }
}

/// <summary>What a fine-tuning run leaves: its result, the best model directory, and a scorer of that model.</summary>
internal sealed record FinetuneRun(TrainingResult Result, string BestDirectory, Func<List<EncodedExample>, EvalResult> ScoreBest);
