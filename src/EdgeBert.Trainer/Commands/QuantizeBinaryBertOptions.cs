using System.CommandLine;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Commands;

/// <summary>Everything <see cref="QuantizeBinaryBertCommand"/> needs, parsed.</summary>
/// <param name="TeacherDirectory">The fine-tuned FP32 teacher (full width).</param>
/// <param name="Train">Training examples file.</param>
/// <param name="Dev">Dev examples file, or null.</param>
/// <param name="Test">Test examples file, or null.</param>
/// <param name="Metric">The dev metric that picks each stage's best checkpoint.</param>
/// <param name="Task">Task name for the scores and the export, or null.</param>
/// <param name="Options">Loop options; OutputDirectory is the run directory, LearningRate the ternary stages' base lr.</param>
/// <param name="BatchSize">Sequences per update.</param>
/// <param name="ActivationBits">8 (W1A8) or 4 (W1A4, ReLU FFN).</param>
/// <param name="BinaryLearningRate">The binary stages' base lr.</param>
/// <param name="Width">The width multiplier of the half-width model (0.5).</param>
/// <param name="WidthEpochs">Epochs of DynaBERT width distillation (0: keep the pruned weights as they are).</param>
/// <param name="WidthLearningRate">Its learning rate.</param>
/// <param name="Threads">Threads of the runtime parity check (LibTorch's are set by the command).</param>
public sealed record BinaryBertRecipe(
    string TeacherDirectory, string Train, string? Dev, string? Test, string Metric, string? Task,
    TrainingOptions Options, int BatchSize, int ActivationBits, float BinaryLearningRate,
    double Width, int WidthEpochs, float WidthLearningRate, int Threads = 1);

/// <summary>The <c>quantize</c> options only <c>--method binarybert</c> reads.</summary>
internal sealed class QuantizeBinaryBertOptions
{
    public Option<int> ActivationBits { get; } = CommandSupport.Option("--activation-bits", "binarybert: 8 (W1A8) or 4 (W1A4 with ReLU FFN).", 8);

    public Option<float> BinaryLearningRate { get; } = CommandSupport.Option("--binary-lr", "binarybert: base lr of the binary KD stages (stage A runs at 2.5×); --lr is the ternary stages' base lr (binarybert default 1e-5).", 5e-5f);

    public Option<double> Width { get; } = CommandSupport.Option("--width", "binarybert: width multiplier of the DynaBERT student (heads and FFN neurons kept).", 0.5);

    public Option<int> WidthEpochs { get; } = CommandSupport.Option("--width-epochs", "binarybert: epochs of width distillation from the full teacher (0: pruned weights as they are).", 1);

    public Option<float> WidthLearningRate { get; } = CommandSupport.Option("--width-lr", "binarybert: learning rate of the width distillation.", 2e-5f);

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { ActivationBits, BinaryLearningRate, Width, WidthEpochs, WidthLearningRate }) command.Options.Add(o);
    }

    /// <summary>BinaryBERT's ternary-stage base lr (METHODS.md §2.4), used when --lr is not given (its shared default is TernaryBERT's).</summary>
    public const float DefaultTernaryLearningRate = 1e-5f;

    public BinaryBertRecipe Recipe(ParseResult parse, TrainingRunOptions run, TrainingOptions options, string teacher, string train, string? dev, string? test, string metric, string? task)
    {
        int batchSize = parse.GetValue(run.BatchSize);
        if (parse.GetResult(run.LearningRate) is not { Implicit: false }) options = options with { LearningRate = DefaultTernaryLearningRate };
        int bits = parse.GetValue(ActivationBits);
        if (bits is not (8 or 4)) throw new ArgumentException($"--activation-bits must be 8 or 4 for binarybert (got {bits}).");
        float binaryLr = parse.GetValue(BinaryLearningRate), widthLr = parse.GetValue(WidthLearningRate);
        if (!(binaryLr > 0f && float.IsFinite(binaryLr))) throw new ArgumentException($"--binary-lr must be positive (got {binaryLr}).");
        if (!(widthLr > 0f && float.IsFinite(widthLr))) throw new ArgumentException($"--width-lr must be positive (got {widthLr}).");
        double width = parse.GetValue(Width);
        if (!(width > 0 && width <= 1)) throw new ArgumentException($"--width must lie in (0, 1] (got {width}).");
        int widthEpochs = parse.GetValue(WidthEpochs);
        if (widthEpochs < 0) throw new ArgumentException($"--width-epochs must be ≥ 0 (got {widthEpochs}).");
        return new BinaryBertRecipe(teacher, train, dev, test, metric, task, options, batchSize, bits, binaryLr, width, widthEpochs, widthLr, parse.GetValue(run.Threads));
    }
}
