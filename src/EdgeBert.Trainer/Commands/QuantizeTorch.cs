using EdgeBert.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Distillation;
using EdgeBert.Trainer.Torch.Quantization;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>quantize</c> for the one-stage methods (TernaryBERT W2A8, BiBERT W1A1): the
/// student is initialised from the teacher, gets the TorchSharp quantizers
/// (<see cref="TorchStudentQuantization"/>) and is distilled on <see cref="TorchTrainingLoop"/> with
/// <see cref="TorchDistillationTask"/>; then the best dev student is scored on the test split,
/// exported (<see cref="TorchStudentExport.Weights"/>, the method's exporter) to OUT/model.ebm, and
/// checked against the runtime (OUT/parity.json).
/// </summary>
internal static class QuantizeTorch
{
    /// <summary>The one-stage methods this class runs (progressive and binarybert run through their stage runners).</summary>
    public static IReadOnlyList<string> Methods { get; } = ["ternarybert", "bibert"];

    /// <summary>
    /// One progressive step on LibTorch: <paramref name="student"/> (initialised from the teacher or
    /// the previous step, the step's TorchSharp quantizers installed), TernaryBERT's objective against
    /// <paramref name="teacher"/>, best/ and last/ under <paramref name="options"/>' output directory (resumes from last/).
    /// </summary>
    public static TrainingResult RunProgressiveStep(IAnsiConsole ui, string prefix, string from, TorchBertModel student, TorchBertModel teacher,
        IReadOnlyList<string> vocabulary, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, TrainingOptions options, int batchSize, int padId, string metric)
    {
        var task = new TorchDistillationTask("progressive", teacher, TorchDistillationTask.TernaryBertLoss, train, dev, batchSize, options.Seed, padId, metric);
        var loop = new TorchTrainingLoop(student, vocabulary, task, options);
        ui.MarkupLine(Markup.Escape($"{prefix}: KD fine-tune from {from}, {loop.TotalSteps} updates" + (options.Resume ? $", resuming from {loop.LastDirectory}" : "")));
        TrainingResult result = TrainingProgressDisplay.Run(ui, loop, prefix);
        if (!result.Interrupted && !Directory.Exists(loop.BestDirectory!))
        {
            TorchModelDirectory.Save(loop.BestDirectory!, student, vocabulary, new ModelScores { Metric = metric, Step = result.Steps });
        }
        return result;
    }

    /// <summary>
    /// Runs the method; returns the exit code (1 when parity fails). With <paramref name="trainWindows"/>
    /// the long training texts become one example per runtime window (<see cref="ExampleEncoder.Encode"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A method the torch engine does not run yet, or bad data.</exception>
    public static int Run(IAnsiConsole ui, string method, TrainingOptions options, string teacherDir, string trainPath, string? devPath, string? testPath,
        int batchSize, string metric, string? taskName, int threads, bool trainWindows = false)
    {
        if (!Methods.Contains(method)) throw new ArgumentException($"quantize: '{method}' is not a one-stage method ({string.Join(", ", Methods)}).");
        bool bibert = method == "bibert";
        Action<TorchBertModel> install = bibert ? TorchStudentQuantization.BiBert : TorchStudentQuantization.TernaryBert;
        string scheme = bibert ? "W1A1" : "W2A8";

        using TorchBertModel teacher = TorchBertModel.Load(teacherDir);
        BertConfig config = teacher.Config;
        if (config.Labels.Count < 2) throw new ArgumentException($"quantize: the teacher in {teacherDir} has no classifier labels; fine-tune it first.");
        WordPieceVocabulary vocabulary = ModelDirectory.ReadVocabulary(teacherDir);
        string[] labels = [.. config.Labels];
        BertTokenizer tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
        int pad = vocabulary.PaddingId ?? 0;
        var trainSet = ExampleEncoder.Encode(TaskFile.Read(trainPath), tokenizer, labels, trainWindows);
        var devSet = devPath is { } d ? ExampleEncoder.Encode(TaskFile.Read(d), tokenizer, labels) : [];

        using TorchBertModel student = TorchBertModel.Load(teacherDir);
        install(student);
        var task = new TorchDistillationTask(method, teacher,
            bibert ? TorchDistillationTask.BiBertLoss : TorchDistillationTask.TernaryBertLoss, trainSet, devSet, batchSize, options.Seed, pad, metric);
        var loop = new TorchTrainingLoop(student, vocabulary.Tokens, task, options, [.. student.NamedWeights(), .. TorchStudentExport.NamedQuantizerParameters(student)]);
        ui.MarkupLine(Markup.Escape($"quantize ({method}, {scheme}): {trainSet.Count} train / {devSet.Count} dev examples, " +
            $"{config.Layers}×{config.Hidden}, {loop.TotalSteps} updates, seed {options.Seed}"));
        TrainingResult result = TrainingProgressDisplay.Run(ui, loop, "quantize");
        if (result.Interrupted)
        {
            ui.MarkupLine(Markup.Escape($"stopped after step {result.Steps}; continue with the same options and --resume."));
            return Program.ExitOk;
        }

        string best = loop.BestDirectory!;
        if (!Directory.Exists(best)) TorchModelDirectory.Save(best, student, vocabulary.Tokens, new ModelScores { Metric = metric, Step = result.Steps });
        using TorchBertModel bestModel = TorchBertModel.Load(best);
        install(bestModel);
        ModelScores scores = (ModelDirectory.ReadScores(best) ?? new ModelScores()) with { Task = taskName, Metric = metric };
        IReadOnlyList<EncodedExample> testSet = [];
        if (testPath is not null)
        {
            testSet = ExampleEncoder.Encode(TaskFile.Read(testPath), tokenizer, labels);
            EvalResult test = TorchClassificationTask.Score(bestModel, testSet, labels.Length, batchSize, pad, metric);
            scores = scores with { Test = new(test.Values) };
            ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples, quantized): " + string.Join(" ", test.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value:0.0000}"))));
        }
        ModelDirectory.WriteScores(best, scores);

        ModelWeights exported = TorchStudentExport.Weights(bestModel);
        string ebm = Path.Combine(options.OutputDirectory!, "model.ebm");
        (bibert ? BiBertExporter.Build(exported, vocabulary.Tokens, scores, scores.Task) : TernaryBertExporter.Build(exported, vocabulary.Tokens, scores, scores.Task)).WriteTo(ebm);
        ui.MarkupLine(Markup.Escape($"best student (step {scores.Step}): {best}; {scheme} model: {ebm}"));
        var (paritySet, paritySplit) = testSet.Count > 0 ? (testSet, "test") : (devSet, "dev");
        // The runtime against the TorchSharp student's quantized forward.
        bool agrees = QuantizedParityStep.Run(ui, labels, () => TorchLogits.InOrder(bestModel, paritySet, batchSize, pad), ebm, paritySet, paritySplit, options.OutputDirectory!, threads);
        return agrees ? Program.ExitOk : Program.ExitBadInput;
    }
}
