using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>
/// What <see cref="TorchTrainingLoop"/> trains:
/// the batches of each epoch (<see cref="EdgeBert.Trainer.Training.ShuffledEpochs"/>), the loss as a
/// LibTorch tensor, and dev evaluation.
/// </summary>
public interface ITorchTrainingTask
{
    /// <summary>Batches per epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The metric <see cref="Evaluate"/> ranks checkpoints by (higher is better), e.g. accuracy.</summary>
    string Metric { get; }

    /// <summary>Whether there is a dev set to evaluate on.</summary>
    bool HasDev { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/>; a pure function of the seed and the epoch, so a resumed run sees the same order.</summary>
    IReadOnlyList<BertBatch> EpochBatches(int epoch);

    /// <summary>
    /// The scalar loss of batch <paramref name="index"/> of epoch <paramref name="epoch"/> with
    /// autograd recording (the model is in training mode). The loop owns a dispose scope around
    /// the call, so intermediate tensors need no disposal.
    /// </summary>
    Tensor Loss(TorchBertModel model, BertBatch batch, int epoch, int index);

    /// <summary>Dev scores; implementations switch the model to eval mode without autograd and restore its mode.</summary>
    EvalResult Evaluate(TorchBertModel model);
}
