namespace EdgeBert.Trainer.Checkpoints;

/// <summary>Where a run stands, saved as <c>state.json</c> next to the weights of a checkpoint.</summary>
public sealed record TrainingState
{
    /// <summary>Optimizer updates taken.</summary>
    public long Step { get; init; }

    /// <summary>The epoch in progress (0-based).</summary>
    public int Epoch { get; init; }

    /// <summary>Batches of <see cref="Epoch"/> already trained on.</summary>
    public int BatchInEpoch { get; init; }

    /// <summary>The dropout generator's state (<see cref="Training.TrainingRandom.GetState"/>).</summary>
    public ulong[] RandomState { get; init; } = [];

    /// <summary>The seed the run started with.</summary>
    public long Seed { get; init; }

    /// <summary>The ranking metric.</summary>
    public string Metric { get; init; } = "";

    /// <summary>Best dev score so far, or null before the first evaluation.</summary>
    public double? BestScore { get; init; }

    /// <summary>The step of the best dev score.</summary>
    public long BestStep { get; init; }

    /// <summary>Dev metrics of the best checkpoint.</summary>
    public Dictionary<string, double> BestValues { get; init; } = [];
}

/// <summary>Scores recorded with a model directory (<c>scores.json</c>), which the exporter copies into the .ebm provenance.</summary>
public sealed record ModelScores
{
    /// <summary>Task name, e.g. spam-assassin.</summary>
    public string? Task { get; init; }

    /// <summary>Ranking metric, e.g. accuracy.</summary>
    public string? Metric { get; init; }

    /// <summary>Dev metrics by name.</summary>
    public Dictionary<string, double> Dev { get; init; } = [];

    /// <summary>Test metrics by name (empty when not evaluated).</summary>
    public Dictionary<string, double> Test { get; init; } = [];

    /// <summary>Optimizer step of these weights.</summary>
    public long Step { get; init; }
}
