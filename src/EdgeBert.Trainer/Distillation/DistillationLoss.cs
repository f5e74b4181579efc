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

        Tensor? hiddenMask = null, scoreMask = null;
        Tensor loss = Tensor.Scalar(0f);
        for (int l = 0; l < student.HiddenStates.Count; l++)
        {
            Tensor hs = student.HiddenStates[l], ht = teacher.HiddenStates[l];
            if (!hs.Shape.SequenceEqual(ht.Shape)) throw new ArgumentException($"distill: hidden state {l} is {hs} in the student and {ht} in the teacher.");
            hiddenMask ??= TokenMask(batch, hs.Dim(-1));
            loss = Ops.Add(loss, Ops.Mse(Ops.Mul(hs, hiddenMask), Ops.Mul(ht, hiddenMask)));
        }
        for (int l = 0; l < student.AttentionScores.Count; l++)
        {
            Tensor ss = student.AttentionScores[l], st = teacher.AttentionScores[l];
            if (!ss.Shape.SequenceEqual(st.Shape)) throw new ArgumentException($"distill: attention scores {l} are {ss} in the student and {st} in the teacher.");
            scoreMask ??= PairMask(batch, ss.Dim(1));
            loss = Ops.Add(loss, Ops.Mse(Ops.Mul(ss, scoreMask), Ops.Mul(st, scoreMask)));
        }
        Tensor teacherProbabilities;
        using (Tape.NoGrad()) teacherProbabilities = Ops.Softmax(tLogits.Detach());
        return Ops.Add(loss, Ops.SoftCrossEntropy(sLogits, teacherProbabilities));
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
