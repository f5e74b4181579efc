using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Distillation;

/// <summary>
/// The distillation objectives on TorchSharp tensors (METHODS.md): TernaryBERT's (also progressive's),
/// BinaryBERT's stages and BiBERT's direction-matching distillation. Both forwards must carry a
/// <see cref="TorchBertTrace"/> (<see cref="TorchBertModel.Trace"/>). Padded tokens are zeroed on both
/// sides (their hidden rows, the rows and columns of scores and Gram matrices).
/// </summary>
public static class TorchDistillationLoss
{
    /// <summary>TernaryBERT's joint loss: Σ hidden MSE + Σ attention-score MSE + soft CE (T = 1).</summary>
    /// <param name="student">The student's forward.</param>
    /// <param name="teacher">The teacher's forward (its gradient is not used).</param>
    /// <param name="keep">[B, L], 1 for real tokens and 0 for padding.</param>
    /// <exception cref="ArgumentException">A trace or the logits are missing, or the shapes differ.</exception>
    public static Tensor TernaryBert(TorchBertOutput student, TorchBertOutput teacher, Tensor keep)
    {
        using var scope = NewDisposeScope();
        return (HiddenMse(student, teacher, keep) + AttentionMse(student, teacher, keep) + SoftCrossEntropy(student, teacher)).MoveToOuterDisposeScope();
    }

    /// <summary>Σ over the embedding output and every layer of MSE(H^S ⊙ m, H^T ⊙ m) (mean over all elements).</summary>
    /// <exception cref="ArgumentException">A trace is missing or the depths or shapes differ.</exception>
    public static Tensor HiddenMse(TorchBertOutput student, TorchBertOutput teacher, Tensor keep)
    {
        (TorchBertTrace s, TorchBertTrace t) = Traces(student, teacher);
        if (s.HiddenStates.Count != t.HiddenStates.Count)
            throw new ArgumentException($"distill: the student has {s.HiddenStates.Count - 1} layers and the teacher {t.HiddenStates.Count - 1}; they must match.");
        using var scope = NewDisposeScope();
        Tensor tokens = TokenMask(keep, s.HiddenStates[0]);
        Tensor loss = zeros([], dtype: s.HiddenStates[0].dtype, device: s.HiddenStates[0].device);
        for (int l = 0; l < s.HiddenStates.Count; l++)
        {
            RequireSameShape(s.HiddenStates[l], t.HiddenStates[l], $"hidden state {l}");
            loss = loss + nn.functional.mse_loss(s.HiddenStates[l] * tokens, t.HiddenStates[l].detach() * tokens);
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Σ over layers of MSE of the pre-softmax scores, padded pairs zeroed.</summary>
    /// <exception cref="ArgumentException">A trace is missing or the shapes differ (the heads must match).</exception>
    public static Tensor AttentionMse(TorchBertOutput student, TorchBertOutput teacher, Tensor keep)
    {
        (TorchBertTrace s, TorchBertTrace t) = Traces(student, teacher);
        using var scope = NewDisposeScope();
        Tensor loss = zeros([], dtype: s.HiddenStates[0].dtype, device: s.HiddenStates[0].device);
        for (int l = 0; l < s.AttentionScores.Count; l++)
        {
            RequireSameShape(s.AttentionScores[l], t.AttentionScores[l], $"attention scores {l} (attention distillation needs the same heads)");
            Tensor pairs = PairMask(keep, s.AttentionScores[l]);
            loss = loss + nn.functional.mse_loss(s.AttentionScores[l] * pairs, t.AttentionScores[l].detach() * pairs);
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Soft cross-entropy −Σ softmax(z^T)·log softmax(z^S), averaged over the batch rows (T = 1).</summary>
    /// <exception cref="ArgumentException">Logits are missing or differ in shape.</exception>
    public static Tensor SoftCrossEntropy(TorchBertOutput student, TorchBertOutput teacher)
    {
        (Tensor s, Tensor t) = Logits(student, teacher);
        using var scope = NewDisposeScope();
        Tensor p = t.detach().softmax(-1);
        return (-(p * s.log_softmax(-1)).sum(-1)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// BiBERT's objective: soft CE averaged over all B×C elements + 0.5 × CE with <paramref name="labels"/>
    /// + Σ normalised hidden distances + Σ DMD of Q, K and V. Returns (total, prediction, hidden, q, k, v).
    /// </summary>
    /// <exception cref="ArgumentException">A trace or the logits are missing, or the shapes differ.</exception>
    public static (Tensor Total, Tensor Prediction, Tensor Hidden, Tensor Query, Tensor Key, Tensor Value) DirectionMatching(
        TorchBertOutput student, TorchBertOutput teacher, Tensor keep, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        (TorchBertTrace s, TorchBertTrace t) = Traces(student, teacher);
        if (s.HiddenStates.Count != t.HiddenStates.Count)
            throw new ArgumentException($"bibert distill: the student has {s.HiddenStates.Count - 1} layers and the teacher {t.HiddenStates.Count - 1}; they must match.");
        (Tensor sLogits, _) = Logits(student, teacher);
        using var scope = NewDisposeScope();
        Tensor tokens = TokenMask(keep, s.HiddenStates[0]);
        Tensor hidden = zeros([], dtype: sLogits.dtype, device: sLogits.device);
        for (int l = 0; l < s.HiddenStates.Count; l++)
        {
            RequireSameShape(s.HiddenStates[l], t.HiddenStates[l], $"hidden state {l}");
            hidden = hidden + NormalizedDistance(s.HiddenStates[l] * tokens, t.HiddenStates[l].detach() * tokens);
        }
        Tensor query = Matching(s.Queries, t.Queries, keep, "Q");
        Tensor key = Matching(s.Keys, t.Keys, keep, "K");
        Tensor value = Matching(s.Values, t.Values, keep, "V");
        Tensor soft = SoftCrossEntropy(student, teacher) / sLogits.shape[^1];
        Tensor prediction = soft + 0.5 * nn.functional.cross_entropy(sLogits, labels);
        Tensor total = prediction + hidden + (query + key) + value;
        return (total.MoveToOuterDisposeScope(), prediction.MoveToOuterDisposeScope(), hidden.MoveToOuterDisposeScope(),
            query.MoveToOuterDisposeScope(), key.MoveToOuterDisposeScope(), value.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// BinaryBERT's KD stages: width (hidden MSE + soft CE), intermediate/stage A (hidden MSE +
    /// attention MSE), prediction/stage B (soft CE / classes).
    /// </summary>
    public static Tensor BinaryBert(Trainer.Quantization.KdStage stage, TorchBertOutput student, TorchBertOutput teacher, Tensor keep)
    {
        using var scope = NewDisposeScope();
        Tensor loss = stage switch
        {
            Trainer.Quantization.KdStage.Width => HiddenMse(student, teacher, keep) + SoftCrossEntropy(student, teacher),
            Trainer.Quantization.KdStage.Intermediate => HiddenMse(student, teacher, keep) + AttentionMse(student, teacher, keep),
            _ => SoftCrossEntropy(student, teacher) / student.Logits!.shape[^1],
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>‖S/‖S‖ − T/‖T‖‖ with Frobenius norms over the whole tensors (a zero tensor counts as 0), in float64.</summary>
    public static Tensor NormalizedDistance(Tensor student, Tensor teacher)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        RequireSameShape(student, teacher, "normalized distance");
        using var scope = NewDisposeScope();
        Tensor s = Normalized(student.to_type(ScalarType.Float64));
        Tensor t = Normalized(teacher.to_type(ScalarType.Float64));
        Tensor d = (s - t).square().sum();
        // sqrt has an infinite derivative at 0; the current trainer gives 0 there.
        Tensor distance = where(d.gt(0), d.clamp_min(double.Epsilon).sqrt(), zeros_like(d));
        return distance.to_type(student.dtype).MoveToOuterDisposeScope();
    }

    private static Tensor Normalized(Tensor x)
    {
        Tensor norm = x.square().sum().sqrt();
        return where(norm.gt(0), x / norm.clamp_min(double.Epsilon), zeros_like(x));
    }

    private static Tensor Matching(IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, Tensor keep, string name)
    {
        if (student.Count != teacher.Count) throw new ArgumentException($"bibert distill: {student.Count} student and {teacher.Count} teacher {name} tensors.");
        Tensor loss = zeros([], dtype: ScalarType.Float32, device: keep.device);
        for (int l = 0; l < student.Count; l++)
        {
            RequireSameShape(student[l], teacher[l], $"{name} of layer {l}");
            Tensor pairs = PairMask(keep, student[l]);
            loss = loss + NormalizedDistance(Gram(student[l]) * pairs, Gram(teacher[l].detach()) * pairs);
        }
        return loss;
    }

    private static Tensor Gram(Tensor f) => matmul(f, f.transpose(-1, -2)) * (float)(1 / Math.Sqrt(f.shape[^1]));

    /// <summary>[B, L, 1] token mask of <paramref name="keep"/> in the dtype of <paramref name="like"/>.</summary>
    private static Tensor TokenMask(Tensor keep, Tensor like) => keep.to_type(like.dtype).unsqueeze(-1);

    /// <summary>[B, 1, L, L] mask of pairs of real tokens.</summary>
    private static Tensor PairMask(Tensor keep, Tensor like)
    {
        Tensor k = keep.to_type(like.dtype);
        return (k.unsqueeze(-1) * k.unsqueeze(-2)).unsqueeze(1);
    }

    private static (TorchBertTrace Student, TorchBertTrace Teacher) Traces(TorchBertOutput student, TorchBertOutput teacher)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        return (student.Trace ?? throw new ArgumentException("distill: the student's forward has no trace (set TorchBertModel.Trace)."),
            teacher.Trace ?? throw new ArgumentException("distill: the teacher's forward has no trace (set TorchBertModel.Trace)."));
    }

    private static (Tensor Student, Tensor Teacher) Logits(TorchBertOutput student, TorchBertOutput teacher)
    {
        Tensor s = student.Logits ?? throw new ArgumentException("distill: the student has no classifier.");
        Tensor t = teacher.Logits ?? throw new ArgumentException("distill: the teacher has no classifier.");
        RequireSameShape(s, t, "logits");
        return (s, t);
    }

    private static void RequireSameShape(Tensor s, Tensor t, string what)
    {
        if (!s.shape.SequenceEqual(t.shape))
            throw new ArgumentException($"distill: {what} is [{string.Join(", ", s.shape)}] in the student and [{string.Join(", ", t.shape)}] in the teacher.");
    }
}
