using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>What <see cref="TrainingLoop"/> trains: the batches of each epoch, the loss, and dev evaluation.</summary>
public interface ITrainingTask
{
    /// <summary>Batches per epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The metric <see cref="Evaluate"/> ranks checkpoints by (higher is better), e.g. accuracy.</summary>
    string Metric { get; }

    /// <summary>Whether there is a dev set to evaluate on.</summary>
    bool HasDev { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/>; a pure function of the seed and the epoch, so a resumed run sees the same order.</summary>
    IReadOnlyList<BertBatch> EpochBatches(int epoch);

    /// <summary>The scalar loss of batch <paramref name="index"/> of epoch <paramref name="epoch"/>, recorded for backward.</summary>
    Tensor Loss(BertModel model, BertBatch batch, int epoch, int index);

    /// <summary>Dev scores (the model is in eval mode and nothing is recorded).</summary>
    EvalResult Evaluate(BertModel model);
}

/// <summary>A dev evaluation.</summary>
/// <param name="Metric">The ranking metric's name.</param>
/// <param name="Score">Its value (higher is better).</param>
/// <param name="Values">Every metric computed, by name (e.g. accuracy, f1, mcc, loss).</param>
public sealed record EvalResult(string Metric, double Score, IReadOnlyDictionary<string, double> Values);
