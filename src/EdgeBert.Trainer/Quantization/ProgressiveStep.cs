using EdgeBert.Encoder;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// One fine-tune of two-stage progressive quantization (Le et al. 2022, METHODS.md §4): its
/// weight bits (the word embedding and the pooler follow the encoder's linears), its activation
/// bits (32 = FP32 in stage 1) and the step whose latent FP32 weights initialise it (null: the
/// FP32 teacher).
/// </summary>
/// <param name="Name">The directory name under the run: <c>w8</c> … <c>w1</c>, <c>w1a8</c>, <c>w1a4</c>, <c>w1a1</c>.</param>
/// <param name="WeightBits">8, 4, 2 (TWN) or 1 (BWN).</param>
/// <param name="ActivationBits">32 (stage 1, FP32 activations), 8, 4 or 1.</param>
/// <param name="InitialisedFrom">The step this one starts from, or null for the teacher.</param>
public sealed record ProgressiveStep(string Name, int WeightBits, int ActivationBits, string? InitialisedFrom)
{
    /// <summary>Stage 1 quantizes weights only; stage 2 weights and activations.</summary>
    public int Stage => ActivationBits == 32 ? 1 : 2;

    /// <summary>Bits as the papers write them, W-E-A (weights, word embedding, activations): <c>1-1-8</c>.</summary>
    public string Bits => $"{WeightBits}-{WeightBits}-{ActivationBits}";

    /// <summary>The runtime scheme of a stage-2 step (W1A8, W1A4, W1A1); stage-1 steps do not run in the runtime.</summary>
    /// <exception cref="InvalidOperationException">This is a stage-1 step.</exception>
    public LinearScheme Scheme => ActivationBits switch
    {
        8 => LinearScheme.W1A8,
        4 => LinearScheme.W1A4,
        1 => LinearScheme.W1A1,
        _ => throw new InvalidOperationException($"progressive: step {Name} (W{WeightBits}A{ActivationBits}) has no runtime scheme; only the stage-2 students are exported."),
    };
}

/// <summary>The chain of <see cref="ProgressiveStep"/>s: FP → W8 → W4 → W2 → W1, then each stage-2 target from W1.</summary>
public static class ProgressiveSchedule
{
    /// <summary>Stage 1, in order: each initialised from the one before, the first from the teacher.</summary>
    public static IReadOnlyList<ProgressiveStep> StageOne { get; } =
    [
        new("w8", 8, 32, null),
        new("w4", 4, 32, "w8"),
        new("w2", 2, 32, "w4"),
        new("w1", 1, 32, "w2"),
    ];

    /// <summary>The stage-2 targets the runtime can run, each initialised from stage-1 <c>w1</c>.</summary>
    public static IReadOnlyList<ProgressiveStep> Targets { get; } =
    [
        new("w1a8", 1, 8, "w1"),
        new("w1a4", 1, 4, "w1"),
        new("w1a1", 1, 1, "w1"),
    ];

    /// <summary>
    /// The whole chain for a comma-separated target list (e.g. <c>"w1a8,w1a1"</c>, case-insensitive,
    /// duplicates ignored): stage 1, then the targets in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or names an unknown target.</exception>
    public static IReadOnlyList<ProgressiveStep> Plan(string targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var chosen = new List<ProgressiveStep>();
        foreach (string part in targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ProgressiveStep step = Targets.FirstOrDefault(t => string.Equals(t.Name, part, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"progressive: unknown target '{part}'; use any of {string.Join(", ", Targets.Select(t => t.Name))} (comma-separated).");
            if (!chosen.Contains(step)) chosen.Add(step);
        }
        if (chosen.Count == 0) throw new ArgumentException($"progressive: no targets given; use any of {string.Join(", ", Targets.Select(t => t.Name))}.");
        return [.. StageOne, .. chosen];
    }
}
