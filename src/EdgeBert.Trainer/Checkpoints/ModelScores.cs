namespace EdgeBert.Trainer.Checkpoints;

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
