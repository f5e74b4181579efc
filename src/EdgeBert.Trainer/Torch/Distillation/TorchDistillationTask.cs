using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Distillation;

/// <summary>
/// Quantization-aware distillation on LibTorch :
/// the batches of <see cref="TorchClassificationTask"/>, the teacher in eval mode without autograd, the student
/// (with its quantizers installed) in training mode, and <paramref name="loss"/> on both traced forwards;
/// dev scores of the quantized student as <see cref="TorchClassificationTask"/>.
/// </summary>
/// <param name="name">The method, for messages.</param>
/// <param name="teacher">The FP32 teacher.</param>
/// <param name="loss">The objective (student output, teacher output, keep mask [B, L], labels [B] int64).</param>
/// <param name="train">Training examples.</param>
/// <param name="dev">Dev examples (may be empty).</param>
/// <param name="batchSize">Examples per batch.</param>
/// <param name="seed">The run's seed (data order).</param>
/// <param name="padId">The padding token id.</param>
/// <param name="metric">accuracy, f1 or mcc.</param>
public sealed class TorchDistillationTask(string name, TorchBertModel teacher, Func<TorchBertOutput, TorchBertOutput, Tensor, Tensor, Tensor> loss,
    IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int batchSize, long seed, int padId, string metric) : ITorchTrainingTask
{
    private readonly TorchClassificationTask scoring = new(
        train.Count > 0 ? train : throw new ArgumentException($"{name}: the training set is empty."),
        dev, teacher.Config.Labels.Count, batchSize, seed, padId, metric);

    /// <summary>TernaryBERT's objective (also the progressive steps'): hidden MSE + attention MSE + soft CE.</summary>
    public static Tensor TernaryBertLoss(TorchBertOutput student, TorchBertOutput teacher, Tensor keep, Tensor labels) =>
        TorchDistillationLoss.TernaryBert(student, teacher, keep);

    /// <summary>BiBERT's objective: prediction (soft CE / C + 0.5 CE) + normalised hidden distances + DMD of Q, K, V.</summary>
    public static Tensor BiBertLoss(TorchBertOutput student, TorchBertOutput teacher, Tensor keep, Tensor labels) =>
        TorchDistillationLoss.DirectionMatching(student, teacher, keep, labels).Total;

    /// <inheritdoc />
    public int BatchesPerEpoch => scoring.BatchesPerEpoch;

    /// <inheritdoc />
    public string Metric => scoring.Metric;

    /// <inheritdoc />
    public bool HasDev => scoring.HasDev;

    /// <inheritdoc />
    public IReadOnlyList<BertBatch> EpochBatches(int epoch) => scoring.EpochBatches(epoch);

    /// <inheritdoc />
    public Tensor Loss(TorchBertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        Device device = model.DeviceOf();
        teacher.Trace = model.Trace = true;
        TorchBertOutput t = TorchEvalMode.Run(teacher, () =>
        {
            using var noGrad = no_grad();
            return teacher.Forward(batch);
        });
        TorchBertOutput s = model.Forward(batch);
        Tensor keep = tensor(batch.Keep, [batch.Size, batch.Length], device: device);
        return loss(s, t, keep, TorchTensors.Int64(batch.Labels, device));
    }

    /// <inheritdoc />
    public EvalResult Evaluate(TorchBertModel model) => scoring.Evaluate(model);
}
