using System.Text.Json.Serialization;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>
/// Where a LibTorch run stands: <c>state.json</c> of a <see cref="TorchCheckpoint"/>. The
/// learning-rate schedule's position is <see cref="Step"/> (checked against
/// <see cref="WarmupSteps"/> and <see cref="TotalSteps"/> on resume).
/// </summary>
public sealed record TorchTrainingState
{
    /// <summary>The value of <see cref="Engine"/> in a LibTorch checkpoint (the classic trainer's state.json has none).</summary>
    public const string TorchEngine = "torch";

    /// <summary>Which trainer wrote the checkpoint: <see cref="TorchEngine"/>.</summary>
    public string Engine { get; init; } = TorchEngine;

    /// <summary>Optimizer updates taken (the schedule's position).</summary>
    public long Step { get; init; }

    /// <summary>The epoch in progress (0-based).</summary>
    public int Epoch { get; init; }

    /// <summary>Batches of <see cref="Epoch"/> already trained on.</summary>
    public int BatchInEpoch { get; init; }

    /// <summary>The seed the run started with.</summary>
    public long Seed { get; init; }

    /// <summary>Updates of the schedule's warm-up.</summary>
    public long WarmupSteps { get; init; }

    /// <summary>Updates the schedule plans in all.</summary>
    public long TotalSteps { get; init; }

    /// <summary>LibTorch's CPU generator state (<c>torch.random.get_rng_state()</c>: dropout), base64.</summary>
    public string CpuGeneratorState { get; init; } = "";

    /// <summary>Each parameter's AdamW update count (the bias corrections' t), by name.</summary>
    public Dictionary<string, long> OptimizerSteps { get; init; } = [];

    /// <summary>The ranking metric.</summary>
    public string Metric { get; init; } = "";

    /// <summary>Best dev score so far, or null before the first evaluation.</summary>
    public double? BestScore { get; init; }

    /// <summary>The step of the best dev score.</summary>
    public long BestStep { get; init; }

    /// <summary>Dev metrics of the best checkpoint.</summary>
    public Dictionary<string, double> BestValues { get; init; } = [];
}

/// <summary>Source-generated JSON for <see cref="TorchTrainingState"/> (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TorchTrainingState))]
internal sealed partial class TorchCheckpointJson : JsonSerializerContext;
