namespace EdgeBert.Trainer.Training;

/// <summary>How the training loop (<c>Torch/Training/TorchTrainingLoop</c>) trains.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data (used when <see cref="MaxSteps"/> is 0).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Total optimizer updates; 0 means epochs × batches per epoch.</summary>
    public long MaxSteps { get; init; }

    /// <summary>Peak learning rate.</summary>
    public float LearningRate { get; init; } = 5e-5f;

    /// <summary>Fraction of the updates spent warming up.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>AdamW settings (weight decay included).</summary>
    public AdamWOptions AdamW { get; init; } = new();

    /// <summary>Global gradient norm limit; 0 disables clipping.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>The seed of data order, masking and (through the model's generator) dropout.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Evaluate on dev every this many updates; 0 means at the end of each epoch.</summary>
    public long EvalEvery { get; init; }

    /// <summary>
    /// Where checkpoints (<c>last/</c>, <c>best/</c>) and <c>metrics.jsonl</c> go; null keeps
    /// everything in memory (tests).
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Continue from <c>OutputDirectory/last</c> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Stop (saving <c>last/</c>) once this many updates are done, as an interruption would; 0 runs to the end.</summary>
    public long StopAfterSteps { get; init; }

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (Epochs < 1 && MaxSteps < 1) throw new ArgumentException($"--epochs must be at least 1 (got {Epochs}) unless --max-steps is given.");
        if (MaxSteps < 0) throw new ArgumentException($"--max-steps must be ≥ 0 (got {MaxSteps}).");
        if (!(LearningRate > 0f && float.IsFinite(LearningRate))) throw new ArgumentException($"--lr must be positive (got {LearningRate}).");
        if (!(WarmupFraction >= 0 && WarmupFraction <= 1)) throw new ArgumentException($"--warmup must lie in [0, 1] (got {WarmupFraction}).");
        if (!(MaxGradNorm >= 0 && double.IsFinite(MaxGradNorm))) throw new ArgumentException($"--clip must be ≥ 0 (got {MaxGradNorm}).");
        if (EvalEvery < 0) throw new ArgumentException($"--eval-every must be ≥ 0 (got {EvalEvery}).");
        if (StopAfterSteps < 0) throw new ArgumentException($"--stop-after must be ≥ 0 (got {StopAfterSteps}).");
        if (Resume && OutputDirectory is null) throw new ArgumentException("--resume needs an output directory.");
        AdamW.Validate();
    }
}
