using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Distillation;

/// <summary>
/// BiBERT's one-stage distillation (METHODS.md §3.3–3.6): the student (BiBERT hooks installed) is
/// trained on <see cref="DirectionMatchingLoss"/> against an FP32 teacher of the same depth and
/// width. The dev metric is the student's (quantized) classification score.
/// </summary>
public sealed class DirectionMatchingTask(BertModel teacher, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int batchSize, long seed, int padId, string metric = "accuracy")
    : TeacherStudentTask("bibert distill", teacher, train, dev, batchSize, seed, padId, metric)
{
    /// <inheritdoc />
    protected override Tensor Loss(BertOutput student, BertOutput teacher, BertBatch batch) => DirectionMatchingLoss.Compute(student, teacher, batch);
}
