using EdgeBert.Text;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train quantize --method binarybert [--activation-bits 8|4]</c>: BinaryBERT's whole
/// recipe (METHODS.md §2), one resumable stage per directory under OUT:
/// <c>width/</c> (DynaBERT head/neuron importance, half-width student, width distillation from the
/// full teacher), <c>ternary-a/</c>, <c>ternary-b/</c> (TWN, two-stage KD from the half-width
/// model), <c>split/</c> (ternary weight splitting), <c>binary-a/</c>, <c>binary-b/</c> (BWN,
/// two-stage KD), then <c>model.ebm</c>. A stage with a <c>done</c> file is skipped on rerun;
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
        BertModel fullTeacher = ModelDirectory.Load(r.TeacherDirectory, r.Options.Seed);
        BertConfig config = fullTeacher.Config;
        if (config.Labels.Count < 2) throw new ArgumentException($"quantize: the teacher in {r.TeacherDirectory} has no classifier labels; fine-tune it first.");
        WordPieceVocabulary vocabulary = ModelDirectory.ReadVocabulary(r.TeacherDirectory);
        string[] labels = [.. config.Labels];
        BertTokenizer tokenizer = ExampleEncoder.Tokenizer(vocabulary, config);
        int pad = vocabulary.PaddingId ?? 0;
        var trainSet = ExampleEncoder.Encode(TaskFile.Read(r.Train), tokenizer, labels);
        var devSet = r.Dev is { } d ? ExampleEncoder.Encode(TaskFile.Read(d), tokenizer, labels) : [];
        var tokens = vocabulary.Tokens;
        ui.MarkupLine(Markup.Escape($"quantize (binarybert, W1A{r.ActivationBits}): {trainSet.Count} train / {devSet.Count} dev examples, " +
            $"teacher {config.Layers}×{config.Hidden} ({config.Heads} heads × {config.AttentionHeadSize}, FFN {config.Ffn}), seed {r.Options.Seed}"));

        // Stage 1: half-width FP model by importance (DynaBERT), recovered by width distillation.
        string widthDir = Path.Combine(outDir, "width");
        BertModel half;
        if (BinaryBertStages.IsDone(widthDir))
        {
            half = BinaryBertStages.LoadBest(widthDir, split: false, r.Options.Seed);
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
            half = DynaBertWidth.Prune(fullTeacher, importance, r.Width, r.Options.Seed);
            ui.MarkupLine(Markup.Escape($"[width] kept {half.Config.Heads} of {config.Heads} heads (× {half.Config.AttentionHeadSize}) and {half.Config.Ffn} of {config.Ffn} FFN neurons per layer"));
            if (r.WidthEpochs > 0)
            {
                half = Train(ui, "width", half, fullTeacher, KdStage.Width, r.WidthLearningRate, r.WidthEpochs, r, trainSet, devSet, tokens, pad, split: false);
            }
            else
            {
                ModelDirectory.Save(Path.Combine(widthDir, "best"), half, tokens, new ModelScores { Metric = r.Metric });
                BinaryBertStages.MarkDone(widthDir);
            }
        }
        Report(ui, "width (FP32 half-width)", half, devSet, labels.Length, r, pad);

        // Stage 2: ternary half-width model, two-stage KD from the half-width FP model.
        string act = r.ActivationBits == 4 ? "relu" : config.HiddenAct;
        BertModel ternary;
        if (BinaryBertStages.IsDone(Path.Combine(outDir, "ternary-b")))
        {
            ternary = BinaryBertStages.LoadBest(Path.Combine(outDir, "ternary-b"), split: false, r.Options.Seed);
        }
        else
        {
            BertModel student = BinaryBertStages.IsDone(Path.Combine(outDir, "ternary-a")) ? BinaryBertStages.LoadBest(Path.Combine(outDir, "ternary-a"), false, r.Options.Seed) : BinaryBertStages.Copy(half, half.Config with { HiddenAct = act }, r.Options.Seed);
            if (!BinaryBertStages.IsDone(Path.Combine(outDir, "ternary-a")))
            {
                BinaryBertQuantization.ApplyTernary(student, r.ActivationBits);
                student = Train(ui, "ternary-a", student, half, KdStage.Intermediate, r.Options.LearningRate * StageALearningRateFactor, r.Options.Epochs, r, trainSet, devSet, tokens, pad, split: false);
            }
            BinaryBertQuantization.ApplyTernary(student, r.ActivationBits);
            ternary = Train(ui, "ternary-b", student, half, KdStage.Prediction, r.Options.LearningRate, r.Options.Epochs, r, trainSet, devSet, tokens, pad, split: false);
        }
        BinaryBertQuantization.ApplyTernary(ternary, r.ActivationBits);
        Report(ui, $"ternary (W2A{r.ActivationBits})", ternary, devSet, labels.Length, r, pad);

        // Stage 3: ternary weight splitting.
        string splitDir = Path.Combine(outDir, "split");
        BertModel binary;
        if (BinaryBertStages.IsDone(splitDir))
        {
            binary = BinaryBertStages.LoadBest(splitDir, split: true, r.Options.Seed);
        }
        else
        {
            BinaryBertQuantization.Remove(ternary);
            TernaryWeightSplit.Apply(ternary);
            binary = ternary;
            ModelDirectory.Save(Path.Combine(splitDir, "best"), binary, tokens, new ModelScores { Metric = r.Metric });
            BinaryBertStages.MarkDone(splitDir);
        }
        BinaryBertQuantization.ApplyBinary(binary, r.ActivationBits);
        Report(ui, $"split binary before training (W1A{r.ActivationBits})", binary, devSet, labels.Length, r, pad);

        // Stage 4: binary fine-tuning, two-stage KD from the half-width FP model.
        if (!BinaryBertStages.IsDone(Path.Combine(outDir, "binary-b")))
        {
            if (!BinaryBertStages.IsDone(Path.Combine(outDir, "binary-a")))
            {
                binary = Train(ui, "binary-a", binary, half, KdStage.Intermediate, r.BinaryLearningRate * StageALearningRateFactor, r.Options.Epochs, r, trainSet, devSet, tokens, pad, split: true);
            }
            else
            {
                binary = BinaryBertStages.LoadBest(Path.Combine(outDir, "binary-a"), split: true, r.Options.Seed);
            }
            BinaryBertQuantization.ApplyBinary(binary, r.ActivationBits);
            binary = Train(ui, "binary-b", binary, half, KdStage.Prediction, r.BinaryLearningRate, r.Options.Epochs, r, trainSet, devSet, tokens, pad, split: true);
        }
        else
        {
            binary = BinaryBertStages.LoadBest(Path.Combine(outDir, "binary-b"), split: true, r.Options.Seed);
        }
        BinaryBertQuantization.ApplyBinary(binary, r.ActivationBits);

        // Stage 5: test scores and export.
        string best = Path.Combine(outDir, "binary-b", "best");
        ModelScores scores = (ModelDirectory.ReadScores(best) ?? new ModelScores()) with { Task = r.Task, Metric = r.Metric };
        IReadOnlyList<EncodedExample> paritySet = devSet;
        double? teacherScore = null;
        if (r.Test is { } testPath)
        {
            var testSet = ExampleEncoder.Encode(TaskFile.Read(testPath), tokenizer, labels);
            paritySet = testSet;
            EvalResult teacherResult = ClassificationTask.Score(fullTeacher, testSet, labels.Length, r.BatchSize, pad, r.Metric);
            teacherScore = teacherResult.Score;
            ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples, FP32 teacher): " + Format(teacherResult)));
            EvalResult testResult = ClassificationTask.Score(binary, testSet, labels.Length, r.BatchSize, pad, r.Metric);
            scores = scores with { Test = new(testResult.Values) };
            ui.MarkupLine(Markup.Escape($"test ({testSet.Count} examples, W1A{r.ActivationBits}): " + Format(testResult)));
        }
        ModelDirectory.WriteScores(best, scores);
        string ebm = Path.Combine(outDir, "model.ebm");
        BinaryBertExporter.Build(ClassicModelWeights.Of(binary), tokens, r.ActivationBits, scores, r.Task, teacherScore).WriteTo(ebm);
        ui.MarkupLine(Markup.Escape($"best binary student (step {scores.Step}): {best}; W1A{r.ActivationBits} model: {ebm}"));
        // The acceptance check: the runtime on the exported file against the trainer's quantized forward.
        bool agrees = QuantizedParityStep.Run(ui, binary, ebm, paritySet, r.Test is null ? "dev" : "test", outDir, r.BatchSize, TrainerThreads.Count);
        if (!agrees) return Program.ExitBadInput;
        return Program.ExitOk;
    }

    /// <summary>Trains one KD stage in OUT/name (resumable), marks it done and returns its best model (hooks not installed).</summary>
    private static BertModel Train(IAnsiConsole ui, string name, BertModel student, BertModel teacher, KdStage stage, float lr, int epochs,
        BinaryBertRecipe r, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, IReadOnlyList<string> tokens, int pad, bool split)
    {
        string dir = Path.Combine(r.Options.OutputDirectory!, name);
        TrainingOptions options = r.Options with { OutputDirectory = dir, LearningRate = lr, Epochs = epochs };
        string best = Path.Combine(dir, "best");
        if (r.TorchEngine)
        {
            TrainingResult torchResult = QuantizeTorch.RunBinaryBertStage(ui, name, student, teacher, stage, r.ActivationBits, split, options, train, dev, tokens, r.BatchSize, pad, r.Metric);
            if (torchResult.Interrupted) throw new StageInterruptedException(name, torchResult.Steps);
            BinaryBertStages.MarkDone(dir);
            return BinaryBertStages.LoadBest(dir, split, r.Options.Seed);
        }

        var task = new BinaryBertDistillationTask(teacher, stage, train, dev, r.BatchSize, r.Options.Seed, pad, r.Metric);
        var loop = new TrainingLoop(student, tokens, task, options);
        ui.MarkupLine(Markup.Escape($"[{name}] {stage} KD, lr {lr:g3}, {loop.TotalSteps} updates"));
        TrainingResult result = TrainingProgressDisplay.Run(ui, loop, name);
        if (result.Interrupted) throw new StageInterruptedException(name, result.Steps);
        if (!Directory.Exists(best)) ModelDirectory.Save(best, student, tokens, new ModelScores { Metric = r.Metric, Step = result.Steps });
        BinaryBertStages.MarkDone(dir);
        return BinaryBertStages.LoadBest(dir, split, r.Options.Seed);
    }

    private static void Report(IAnsiConsole ui, string what, BertModel model, IReadOnlyList<EncodedExample> dev, int classes, BinaryBertRecipe r, int pad)
    {
        if (dev.Count == 0) return;
        ui.MarkupLine(Markup.Escape($"dev, {what}: " + Format(ClassificationTask.Score(model, dev, classes, r.BatchSize, pad, r.Metric))));
    }

    private static string Format(EvalResult result) =>
        string.Join(" ", result.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value:0.0000}"));
}

/// <summary>A stage stopped early (--stop-after or cancellation); rerun with --resume to continue it.</summary>
internal sealed class StageInterruptedException(string stage, long steps)
    : Exception($"stage {stage} stopped after step {steps}; continue with the same options and --resume.");
