using EdgeBert.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
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
/// <c>edgebert-train quantize --method binarybert [--activation-bits 8|4]</c>: BinaryBERT's whole
/// recipe (METHODS.md §2), one resumable stage per directory under OUT:
/// <c>width/</c> (DynaBERT head/neuron importance, half-width student, width distillation from the
/// full teacher), <c>ternary-a/</c>, <c>ternary-b/</c> (TWN, two-stage KD from the half-width
/// model), <c>split/</c> (ternary weight splitting), <c>binary-a/</c>, <c>binary-b/</c> (BWN,
/// two-stage KD), then <c>model.ebm</c>; every stage on LibTorch. A stage with a <c>done</c> file is skipped on rerun;
/// an interrupted stage continues from its <c>last/</c> with <c>--resume</c>.
/// </summary>
internal static class QuantizeBinaryBertCommand
{
    /// <summary>Stage A's learning rate relative to the stage's base lr (METHODS.md §2.4).</summary>
    public const float StageALearningRateFactor = 2.5f;

    public static int Run(IAnsiConsole ui, BinaryBertRecipe r)
    {
        ArgumentNullException.ThrowIfNull(r);
        try
        {
            return RunStages(ui, r);
        }
        catch (StageInterruptedException e)
        {
            ui.MarkupLine(Markup.Escape(e.Message));
            return Program.ExitOk;
        }
    }

    private static int RunStages(IAnsiConsole ui, BinaryBertRecipe r)
    {
        string outDir = r.Options.OutputDirectory ?? throw new ArgumentException("quantize: --out is required.");
        Directory.CreateDirectory(outDir);
        using TorchBertModel fullTeacher = TorchBertModel.Load(r.TeacherDirectory);
        fullTeacher.eval();
        BertConfig config = fullTeacher.Config;
        if (config.Labels.Count < 2) throw new ArgumentException($"quantize: the teacher in {r.TeacherDirectory} has no classifier labels; fine-tune it first.");
        WordPieceVocabulary vocabulary = ModelDirectory.ReadVocabulary(r.TeacherDirectory);
        string[] labels = [.. config.Labels];
        BertTokenizer tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
        int pad = vocabulary.PaddingId ?? 0;
        var trainSet = ExampleEncoder.Encode(TaskFile.Read(r.Train), tokenizer, labels);
        var devSet = r.Dev is { } d ? ExampleEncoder.Encode(TaskFile.Read(d), tokenizer, labels) : [];
        var tokens = vocabulary.Tokens;
        int bits = r.ActivationBits;
        Action<TorchBertModel> ternaryQuantizers = m => TorchStudentQuantization.BinaryBertTernary(m, bits);
        Action<TorchBertModel> binaryQuantizers = m => TorchStudentQuantization.BinaryBertBinary(m, bits);
        ui.MarkupLine(Markup.Escape($"quantize (binarybert, W1A{bits}): {trainSet.Count} train / {devSet.Count} dev examples, " +
            $"teacher {config.Layers}×{config.Hidden} ({config.Heads} heads × {config.AttentionHeadSize}, FFN {config.Ffn}), seed {r.Options.Seed}"));

        // Stage 1: half-width FP model by importance (DynaBERT), recovered by width distillation.
        string widthDir = Path.Combine(outDir, "width");
        TorchBertModel half;
        if (BinaryBertStages.IsDone(widthDir))
        {
            half = BinaryBertStages.LoadBest(widthDir, null);
            ui.MarkupLine(Markup.Escape($"[width] done: {half.Config.Heads} heads × {half.Config.AttentionHeadSize}, FFN {half.Config.Ffn} (skipped)"));
        }
        else
        {
            ui.MarkupLine(Markup.Escape($"[width] scoring {config.Layers * config.Heads} heads and {config.Layers * config.Ffn} FFN neurons on {trainSet.Count} examples"));
            int lastShown = -1;
            WidthImportance importance = DynaBertWidth.Score(fullTeacher, trainSet, r.BatchSize, pad, (done, total) =>
            {
                int percent = done * 10 / total;
                if (percent != lastShown) { lastShown = percent; ui.MarkupLine(Markup.Escape($"[width] importance {done}/{total} batches")); }
            });
            Directory.CreateDirectory(widthDir);
            File.WriteAllText(Path.Combine(widthDir, "importance.json"), BinaryBertStages.ImportanceJson(importance));
            half = DynaBertWidth.Prune(fullTeacher, importance, r.Width);
            ui.MarkupLine(Markup.Escape($"[width] kept {half.Config.Heads} of {config.Heads} heads (× {half.Config.AttentionHeadSize}) and {half.Config.Ffn} of {config.Ffn} FFN neurons per layer"));
            if (r.WidthEpochs > 0)
            {
                half = Train(ui, "width", half, fullTeacher, KdStage.Width, r.WidthLearningRate, r.WidthEpochs, r, trainSet, devSet, tokens, pad, null);
            }
            else
            {
                TorchModelDirectory.Save(Path.Combine(widthDir, "best"), half, tokens, new ModelScores { Metric = r.Metric });
                BinaryBertStages.MarkDone(widthDir);
            }
        }
        half.eval();
        Report(ui, "width (FP32 half-width)", half, devSet, labels.Length, r, pad);

        // Stage 2: ternary half-width model, two-stage KD from the half-width FP model.
        string act = bits == 4 ? "relu" : config.HiddenAct;
        TorchBertModel ternary;
        if (BinaryBertStages.IsDone(Path.Combine(outDir, "ternary-b")))
        {
            ternary = BinaryBertStages.LoadBest(Path.Combine(outDir, "ternary-b"), ternaryQuantizers);
        }
        else
        {
            TorchBertModel student = BinaryBertStages.IsDone(Path.Combine(outDir, "ternary-a"))
                ? BinaryBertStages.LoadBest(Path.Combine(outDir, "ternary-a"), ternaryQuantizers)
                : BinaryBertStages.Copy(half, half.Config with { HiddenAct = act });
            if (!BinaryBertStages.IsDone(Path.Combine(outDir, "ternary-a")))
            {
                ternaryQuantizers(student);
                student = Train(ui, "ternary-a", student, half, KdStage.Intermediate, r.Options.LearningRate * StageALearningRateFactor, r.Options.Epochs, r, trainSet, devSet, tokens, pad, ternaryQuantizers);
            }
            ternary = Train(ui, "ternary-b", student, half, KdStage.Prediction, r.Options.LearningRate, r.Options.Epochs, r, trainSet, devSet, tokens, pad, ternaryQuantizers);
        }
        Report(ui, $"ternary (W2A{bits})", ternary, devSet, labels.Length, r, pad);

        // Stage 3: ternary weight splitting.
        string splitDir = Path.Combine(outDir, "split");
        TorchBertModel binary;
        if (BinaryBertStages.IsDone(splitDir))
        {
            binary = BinaryBertStages.LoadBest(splitDir, binaryQuantizers);
        }
        else
        {
            TernaryWeightSplit.Apply(ternary, bits);
            binary = ternary;
            TorchModelDirectory.Save(Path.Combine(splitDir, "best"), binary.Config, TorchStudentExport.TrainedParameters(binary), tokens, new ModelScores { Metric = r.Metric });
            BinaryBertStages.MarkDone(splitDir);
        }
        Report(ui, $"split binary before training (W1A{bits})", binary, devSet, labels.Length, r, pad);

        // Stage 4: binary fine-tuning, two-stage KD from the half-width FP model.
        if (!BinaryBertStages.IsDone(Path.Combine(outDir, "binary-b")))
        {
            binary = BinaryBertStages.IsDone(Path.Combine(outDir, "binary-a"))
                ? BinaryBertStages.LoadBest(Path.Combine(outDir, "binary-a"), binaryQuantizers)
                : Train(ui, "binary-a", binary, half, KdStage.Intermediate, r.BinaryLearningRate * StageALearningRateFactor, r.Options.Epochs, r, trainSet, devSet, tokens, pad, binaryQuantizers);
            binary = Train(ui, "binary-b", binary, half, KdStage.Prediction, r.BinaryLearningRate, r.Options.Epochs, r, trainSet, devSet, tokens, pad, binaryQuantizers);
        }
        else
        {
            binary = BinaryBertStages.LoadBest(Path.Combine(outDir, "binary-b"), binaryQuantizers);
        }
        binary.eval();

        // Stage 5: test scores and export.
        string best = Path.Combine(outDir, "binary-b", "best");
        ModelScores scores = (ModelDirectory.ReadScores(best) ?? new ModelScores()) with { Task = r.Task, Metric = r.Metric };
        IReadOnlyList<EncodedExample> paritySet = devSet;
        double? teacherScore = null;
        if (r.Test is { } testPath)
        {
            var testSet = ExampleEncoder.Encode(TaskFile.Read(testPath), tokenizer, labels);
            paritySet = testSet;
            EvalResult teacherResult = TorchClassificationTask.Score(fullTeacher, testSet, labels.Length, r.BatchSize, pad, r.Metric);
            teacherScore = teacherResult.Score;
            ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples, FP32 teacher): " + Format(teacherResult)));
            EvalResult testResult = TorchClassificationTask.Score(binary, testSet, labels.Length, r.BatchSize, pad, r.Metric);
            scores = scores with { Test = new(testResult.Values) };
            ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples, W1A{bits}): " + Format(testResult)));
        }
        ModelDirectory.WriteScores(best, scores);
        string ebm = Path.Combine(outDir, "model.ebm");
        BinaryBertExporter.Build(TorchStudentExport.Weights(binary), tokens, bits, scores, r.Task, teacherScore).WriteTo(ebm);
        ui.MarkupLine(Markup.Escape($"best binary student (step {scores.Step}): {best}; W1A{bits} model: {ebm}"));
        // The acceptance check: the runtime on the exported file against the trainer's quantized forward.
        bool agrees = QuantizedParityStep.Run(ui, labels, () => TorchLogits.InOrder(binary, paritySet, r.BatchSize, pad), ebm, paritySet, r.Test is null ? "dev" : "test", outDir, r.Threads);
        return agrees ? Program.ExitOk : Program.ExitBadInput;
    }

    /// <summary>
    /// Trains one KD stage on LibTorch in OUT/name (resumable): <paramref name="student"/> (its
    /// stage's quantizers installed, none for the width stage), BinaryBERT's stage loss against
    /// <paramref name="teacher"/>, the quantizers' split halves and LSQ steps trained and saved with
    /// the weights; marks the stage done and returns its best model (with <paramref name="install"/>'s quantizers).
    /// </summary>
    private static TorchBertModel Train(IAnsiConsole ui, string name, TorchBertModel student, TorchBertModel teacher, KdStage stage, float lr, int epochs,
        BinaryBertRecipe r, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, IReadOnlyList<string> tokens, int pad, Action<TorchBertModel>? install)
    {
        string dir = Path.Combine(r.Options.OutputDirectory!, name);
        TrainingOptions options = r.Options with { OutputDirectory = dir, LearningRate = lr, Epochs = epochs };
        teacher.eval();
        var task = new TorchDistillationTask("binarybert", teacher, (s, t, keep, _) => TorchDistillationLoss.BinaryBert(stage, s, t, keep), train, dev, r.BatchSize, options.Seed, pad, r.Metric);
        (string, Tensor)[] parameters = TorchStudentExport.TrainedParameters(student);
        var loop = new TorchTrainingLoop(student, tokens, task, options, parameters);
        ui.MarkupLine(Markup.Escape($"[{name}] {stage} KD, lr {lr:g3}, {loop.TotalSteps} updates"));
        TrainingResult result = TrainingProgressDisplay.Run(ui, loop, name);
        if (result.Interrupted) throw new StageInterruptedException(name, result.Steps);
        if (!Directory.Exists(loop.BestDirectory!))
        {
            TorchModelDirectory.Save(loop.BestDirectory!, student.Config, parameters, tokens, new ModelScores { Metric = r.Metric, Step = result.Steps });
        }
        BinaryBertStages.MarkDone(dir);
        student.Dispose();
        return BinaryBertStages.LoadBest(dir, install);
    }

    private static void Report(IAnsiConsole ui, string what, TorchBertModel model, IReadOnlyList<EncodedExample> dev, int classes, BinaryBertRecipe r, int pad)
    {
        if (dev.Count == 0) return;
        ui.MarkupLine(Markup.Escape($"dev, {what}: " + Format(TorchClassificationTask.Score(model, dev, classes, r.BatchSize, pad, r.Metric))));
    }

    private static string Format(EvalResult result) =>
        string.Join(" ", result.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value:0.0000}"));
}

/// <summary>A stage stopped early (--stop-after or cancellation); rerun with --resume to continue it.</summary>
internal sealed class StageInterruptedException(string stage, long steps)
    : Exception($"stage {stage} stopped after step {steps}; continue with the same options and --resume.");
