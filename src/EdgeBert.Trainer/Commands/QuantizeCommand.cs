using System.CommandLine;
using EdgeBert.Text;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train quantize --method ternarybert --teacher DIR --train train.jsonl [--dev dev.jsonl]
/// [--test test.jsonl] --out run/</c>: quantization-aware distillation of a fine-tuned FP32 teacher
/// into a student that starts from the teacher's weights. The best dev student (latent FP32
/// weights) lands in <c>run/best</c>, its export (W2A8 ternarybert, W1A1 bibert) in <c>run/model.ebm</c>.
/// <c>--method progressive</c> runs the two-stage chain instead (<see cref="QuantizeProgressiveRunner"/>).
/// </summary>
public static class QuantizeCommand
{
    /// <summary>The methods this command implements so far.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["ternarybert", "bibert", "binarybert", QuantizeProgressive.MethodName];

    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var method = CommandSupport.Option("--method", "Quantization method: ternarybert (W2A8, TWN weights, 8-bit activations); binarybert (half-width ternary → split binary, W1A8 or W1A4); bibert (W1A1, Bi-Attention, DMD); progressive (two-stage W8→W4→W2→W1, then W1A8/W1A4/W1A1).", "ternarybert");
        var teacher = CommandSupport.Required<string>("--teacher", "Fine-tuned FP32 teacher (a model directory, e.g. finetune's best/).");
        var train = CommandSupport.Required<string>("--train", "Training examples (.jsonl with text/label, or .tsv).");
        var dev = new Option<string?>("--dev") { Description = "Dev examples for evaluation and best-checkpoint selection." };
        var test = new Option<string?>("--test") { Description = "Test examples, scored once with the best quantized student." };
        var metric = CommandSupport.Option("--metric", "Dev metric that picks the best checkpoint: accuracy, f1 or mcc.", "accuracy");
        var taskName = new Option<string?>("--task") { Description = "Task name recorded in scores.json and the exported model." };
        var engine = new EngineOptions();
        var run = new TrainingRunOptions(defaultLearningRate: 5e-5f, defaultEpochs: 3, defaultBatchSize: 16);
        var command = new Command("quantize", "Distil a fine-tuned teacher into a quantized student (OUT/best, OUT/model.ebm).")
        {
            method, teacher, train, dev, test, metric, taskName,
        };
        engine.AddTo(command);
        run.AddTo(command);
        var progressive = new QuantizeProgressive();
        progressive.AddTo(command);
        var binaryBert = new QuantizeBinaryBertOptions();
        binaryBert.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                string methodName = parse.GetValue(method)!;
                if (!Methods.Contains(methodName))
                    throw new ArgumentException($"quantize: unknown or not yet implemented method '{methodName}'; available: {string.Join(", ", Methods)}.");
                TrainingOptions options = run.Build(parse);
                string teacherDir = parse.GetValue(teacher)!;
                bool torch = engine.UseTorch(parse, parse.GetValue(run.Threads));
                if (torch && parse.GetValue(engine.Device) != "cpu") throw new ArgumentException("quantize --engine torch: --device cuda is not supported yet (the quantizers' weights are quantized on the host).");
                if (torch && QuantizeTorch.Methods.Contains(methodName))
                {
                    return QuantizeTorch.Run(ui, methodName, options, teacherDir, parse.GetValue(train)!, parse.GetValue(dev), parse.GetValue(test),
                        parse.GetValue(run.BatchSize), parse.GetValue(metric)!, parse.GetValue(taskName), parse.GetValue(run.Threads));
                }
                if (methodName == "binarybert")
                {
                    return QuantizeBinaryBertCommand.Run(ui, binaryBert.Recipe(parse, run, options, teacherDir,
                        parse.GetValue(train)!, parse.GetValue(dev), parse.GetValue(test), parse.GetValue(metric)!, parse.GetValue(taskName)) with { TorchEngine = torch });
                }
                BertModel teacherModel = ModelDirectory.Load(teacherDir, options.Seed);
                BertConfig config = teacherModel.Config;
                if (config.Labels.Count < 2) throw new ArgumentException($"quantize: the teacher in {teacherDir} has no classifier labels; fine-tune it first.");
                WordPieceVocabulary vocabulary = ModelDirectory.ReadVocabulary(teacherDir);
                if (methodName == QuantizeProgressive.MethodName)
                {
                    return progressive.Run(ui, parse, options, teacherModel, vocabulary, parse.GetValue(train)!, parse.GetValue(dev), parse.GetValue(test),
                        parse.GetValue(run.BatchSize), parse.GetValue(metric)!, parse.GetValue(taskName), torch);
                }
                string[] labels = [.. config.Labels];

                var student = new BertModel(config, new TrainingRandom((ulong)options.Seed));
                CopyWeights(teacherModel, student);
                bool bibert = methodName == "bibert";
                Action<BertModel> quantizeModel = bibert ? BiBertQuantization.Apply : TernaryBertQuantization.Apply;
                string scheme = bibert ? "W1A1" : "W2A8";
                quantizeModel(student);

                BertTokenizer tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
                int pad = vocabulary.PaddingId ?? 0;
                var trainSet = ExampleEncoder.Encode(TaskFile.Read(parse.GetValue(train)!), tokenizer, labels);
                var devSet = parse.GetValue(dev) is { } d ? ExampleEncoder.Encode(TaskFile.Read(d), tokenizer, labels) : [];
                int batchSize = parse.GetValue(run.BatchSize);
                string metricName = parse.GetValue(metric)!;
                ITrainingTask task = bibert
                    ? new DirectionMatchingTask(teacherModel, trainSet, devSet, batchSize, options.Seed, pad, metricName)
                    : new DistillationTask(teacherModel, trainSet, devSet, batchSize, options.Seed, pad, metricName);
                var loop = new TrainingLoop(student, vocabulary.Tokens, task, options);
                ui.MarkupLine(Markup.Escape($"quantize ({methodName}, {scheme}): {trainSet.Count} train / {devSet.Count} dev examples, " +
                    $"{config.Layers}×{config.Hidden}, {loop.TotalSteps} updates, seed {options.Seed}"));
                TrainingResult result = TrainingProgressDisplay.Run(ui, loop, "quantize");
                if (result.Interrupted)
                {
                    ui.MarkupLine(Markup.Escape($"stopped after step {result.Steps}; continue with the same options and --resume."));
                    return Program.ExitOk;
                }

                string best = loop.BestDirectory!;
                if (!Directory.Exists(best)) ModelDirectory.Save(best, student, vocabulary.Tokens, new ModelScores { Metric = metricName, Step = result.Steps });
                BertModel bestModel = ModelDirectory.Load(best);
                quantizeModel(bestModel);
                ModelScores scores = (ModelDirectory.ReadScores(best) ?? new ModelScores()) with { Task = parse.GetValue(taskName), Metric = metricName };
                IReadOnlyList<EncodedExample> testSet = [];
                if (parse.GetValue(test) is { } testPath)
                {
                    testSet = ExampleEncoder.Encode(TaskFile.Read(testPath), tokenizer, labels);
                    EvalResult testResult = ClassificationTask.Score(bestModel, testSet, labels.Length, batchSize, pad, metricName);
                    scores = scores with { Test = new(testResult.Values) };
                    ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples, quantized): " + string.Join(" ", testResult.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value:0.0000}"))));
                }
                ModelDirectory.WriteScores(best, scores);
                string ebm = Path.Combine(parse.GetValue(run.Out)!, "model.ebm");
                (bibert ? BiBertExporter.Build(ClassicModelWeights.Of(bestModel), vocabulary.Tokens, scores, scores.Task) : TernaryBertExporter.Build(ClassicModelWeights.Of(bestModel), vocabulary.Tokens, scores, scores.Task)).WriteTo(ebm);
                ui.MarkupLine(Markup.Escape($"best student (step {scores.Step}): {best}; {scheme} model: {ebm}"));
                var (paritySet, paritySplit) = testSet.Count > 0 ? (testSet, "test") : (devSet, "dev");
                bool agrees = QuantizedParityStep.Run(ui, bestModel, ebm, paritySet, paritySplit, parse.GetValue(run.Out)!, batchSize, parse.GetValue(run.Threads));
                return agrees ? Program.ExitOk : Program.ExitBadInput;
            });
        });
        return command;
    }

    private static void CopyWeights(BertModel from, BertModel to)
    {
        var source = from.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach ((string name, Tensor p) in to.NamedParameters()) source[name].Data.CopyTo(p.Data, 0);
    }
}
