using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Distillation;

/// <summary>The TinyBERT/TernaryBERT distillation loss between a student and a teacher forward on the same batch.</summary>
public static class DistillationLoss
{
    /// <summary>
    /// Σ_l MSE(h_s, h_t) over the embedding output and every layer + Σ_l MSE(scores_s, scores_t)
    /// + soft cross-entropy(logits_s, softmax(logits_t)), with padding zeroed on both sides.
    /// </summary>
    /// <exception cref="ArgumentException">The outputs differ in depth or shape, or a model has no logits.</exception>
    public static Tensor Compute(BertOutput student, BertOutput teacher, BertBatch batch)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(batch);
        if (student.HiddenStates.Count != teacher.HiddenStates.Count)
            throw new ArgumentException($"distill: the student has {student.HiddenStates.Count - 1} layers and the teacher {teacher.HiddenStates.Count - 1}; they must match.");
        Tensor sLogits = student.Logits ?? throw new ArgumentException("distill: the student has no classifier.");
        Tensor tLogits = teacher.Logits ?? throw new ArgumentException("distill: the teacher has no classifier.");
        if (!sLogits.Shape.SequenceEqual(tLogits.Shape))
            throw new ArgumentException($"distill: student logits {sLogits} and teacher logits {tLogits} differ in shape.");

        Tensor loss = AddAttentionMse(AddHiddenMse(Tensor.Scalar(0f), student, teacher, batch, "distill"), student, teacher, batch, "distill");
        return Ops.Add(loss, SoftCrossEntropy(student, teacher, "distill"));
    }

    /// <summary>
    /// <paramref name="loss"/> + Σ_l MSE(h_s, h_t) over every hidden state (embedding output included),
    /// padding zeroed on both sides; added one state at a time, in order.
    /// </summary>
    /// <exception cref="ArgumentException">The outputs differ in depth or in a hidden state's shape.</exception>
    public static Tensor AddHiddenMse(Tensor loss, BertOutput student, BertOutput teacher, BertBatch batch, string method)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(batch);
        if (student.HiddenStates.Count != teacher.HiddenStates.Count)
            throw new ArgumentException($"{method}: the student has {student.HiddenStates.Count - 1} layers and the teacher {teacher.HiddenStates.Count - 1}; they must match.");
        Tensor? mask = null;
        for (int l = 0; l < student.HiddenStates.Count; l++)
        {
            Tensor hs = student.HiddenStates[l], ht = teacher.HiddenStates[l];
            if (!hs.Shape.SequenceEqual(ht.Shape)) throw new ArgumentException($"{method}: hidden state {l} is {hs} in the student and {ht} in the teacher.");
            mask ??= TokenMask(batch, hs.Dim(-1));
            loss = Ops.Add(loss, Ops.Mse(Ops.Mul(hs, mask), Ops.Mul(ht, mask)));
        }
        return loss;
    }

    /// <summary>
    /// <paramref name="loss"/> + Σ_l MSE(scores_s, scores_t) over every layer's pre-softmax scores,
    /// entries with a padding query or key zeroed on both sides; added one layer at a time, in order.
    /// </summary>
    /// <exception cref="ArgumentException">A layer's scores differ in shape (e.g. another number of heads).</exception>
    public static Tensor AddAttentionMse(Tensor loss, BertOutput student, BertOutput teacher, BertBatch batch, string method)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(batch);
        Tensor? mask = null;
        for (int l = 0; l < student.AttentionScores.Count; l++)
        {
            Tensor ss = student.AttentionScores[l], st = teacher.AttentionScores[l];
            if (!ss.Shape.SequenceEqual(st.Shape))
                throw new ArgumentException($"{method}: attention scores {l} are {ss} in the student and {st} in the teacher (attention distillation needs the same heads).");
            mask ??= PairMask(batch, ss.Dim(1));
            loss = Ops.Add(loss, Ops.Mse(Ops.Mul(ss, mask), Ops.Mul(st, mask)));
        }
        return loss;
    }

    /// <summary>Soft cross-entropy of the student's logits against the teacher's softmax (T = 1; the teacher side is not recorded).</summary>
    /// <exception cref="ArgumentException">A model has no classifier, or the logits differ in shape.</exception>
    public static Tensor SoftCrossEntropy(BertOutput student, BertOutput teacher, string method)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        Tensor sLogits = student.Logits ?? throw new ArgumentException($"{method}: the student has no classifier.");
        Tensor tLogits = teacher.Logits ?? throw new ArgumentException($"{method}: the teacher has no classifier.");
        if (!sLogits.Shape.SequenceEqual(tLogits.Shape))
            throw new ArgumentException($"{method}: student logits {sLogits} and teacher logits {tLogits} differ in shape.");
        Tensor probabilities;
        using (Tape.NoGrad()) probabilities = Ops.Softmax(tLogits.Detach());
        return Ops.SoftCrossEntropy(sLogits, probabilities);
    }

    /// <summary>[B, L, H]: 1 for real tokens, 0 for padding.</summary>
    internal static Tensor TokenMask(BertBatch batch, int hidden)
    {
        var m = new float[batch.Keep.Length * hidden];
        for (int t = 0; t < batch.Keep.Length; t++)
        {
            if (batch.Keep[t] != 0) m.AsSpan(t * hidden, hidden).Fill(1f);
        }
        return new Tensor(m, [batch.Size, batch.Length, hidden]);
    }

    /// <summary>[B, heads, L, L]: 1 where both the query and the key are real tokens.</summary>
    internal static Tensor PairMask(BertBatch batch, int heads)
    {
        int b = batch.Size, l = batch.Length;
        var m = new float[b * heads * l * l];
        for (int s = 0; s < b; s++)
        for (int h = 0; h < heads; h++)
        for (int i = 0; i < l; i++)
        for (int j = 0; j < l; j++)
        {
            if (batch.Keep[s * l + i] != 0 && batch.Keep[s * l + j] != 0) m[((s * heads + h) * l + i) * l + j] = 1f;
        }
        return new Tensor(m, [b, heads, l, l]);
    }
}
