using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Distillation;

/// <summary>The parts of BiBERT's objective, for logging and tests (each a scalar tensor).</summary>
/// <param name="Total">Prediction + hidden + Q + K + V: what is minimised.</param>
/// <param name="Prediction">Soft cross-entropy averaged over all B×C elements + 0.5 × CE with the labels.</param>
/// <param name="Hidden">Σ over the embedding output and every layer of the normalised hidden-state distance.</param>
/// <param name="Query">Σ over layers of the DMD distance on Q·Qᵀ/√d.</param>
/// <param name="Key">Σ over layers of the DMD distance on K·Kᵀ/√d.</param>
/// <param name="Value">Σ over layers of the DMD distance on V·Vᵀ/√d.</param>
public sealed record DirectionMatchingParts(Tensor Total, Tensor Prediction, Tensor Hidden, Tensor Query, Tensor Key, Tensor Value);

/// <summary>
/// BiBERT's distillation objective (METHODS.md §3.3–3.4), one stage, all weights 1:
/// L = SCE(z^S, z^T) + 0.5·CE(z^S, y) + Σ_l D(H_l^S, H_l^T) + Σ_l Σ_{F∈{Q,K,V}} D(F_l^S·F_l^Sᵀ/√d, F_l^T·F_l^Tᵀ/√d),
/// with D(S, T) = ‖S/‖S‖ − T/‖T‖‖ (Frobenius norms over the whole batch tensor; not squared, not
/// averaged) and F the pre-binarization per-head projections.
/// Padding: BiBERT's code feeds padded positions into both distances; here padding tokens are
/// zeroed on both sides (their hidden rows, and the rows and columns of F·Fᵀ), so a batch's loss
/// does not depend on how much padding it has and padded tokens get no gradient.
/// </summary>
public static class DirectionMatchingLoss
{
    /// <summary>The total loss (see <see cref="Parts"/>).</summary>
    /// <exception cref="ArgumentException">The outputs differ in depth or shape, a model has no logits, or no Q/K/V were recorded.</exception>
    public static Tensor Compute(BertOutput student, BertOutput teacher, BertBatch batch) => Parts(student, teacher, batch).Total;

    /// <summary>Every part of the loss; student and teacher must have the same depth (the student starts from the teacher).</summary>
    /// <exception cref="ArgumentException">The outputs differ in depth or shape, a model has no logits, or no Q/K/V were recorded.</exception>
    public static DirectionMatchingParts Parts(BertOutput student, BertOutput teacher, BertBatch batch)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(batch);
        if (student.HiddenStates.Count != teacher.HiddenStates.Count)
            throw new ArgumentException($"bibert distill: the student has {student.HiddenStates.Count - 1} layers and the teacher {teacher.HiddenStates.Count - 1}; they must match.");
        Tensor sLogits = student.Logits ?? throw new ArgumentException("bibert distill: the student has no classifier.");
        Tensor tLogits = teacher.Logits ?? throw new ArgumentException("bibert distill: the teacher has no classifier.");
        if (!sLogits.Shape.SequenceEqual(tLogits.Shape))
            throw new ArgumentException($"bibert distill: student logits {sLogits} and teacher logits {tLogits} differ in shape.");

        Tensor? tokenMask = null;
        Tensor hidden = Tensor.Scalar(0f);
        for (int l = 0; l < student.HiddenStates.Count; l++)
        {
            Tensor hs = student.HiddenStates[l], ht = teacher.HiddenStates[l];
            if (!hs.Shape.SequenceEqual(ht.Shape)) throw new ArgumentException($"bibert distill: hidden state {l} is {hs} in the student and {ht} in the teacher.");
            tokenMask ??= DistillationLoss.TokenMask(batch, hs.Dim(-1));
            hidden = Ops.Add(hidden, NormalizedDistance.Apply(Ops.Mul(hs, tokenMask), Ops.Mul(ht, tokenMask)));
        }

        Tensor query = Matching(student.Queries, teacher.Queries, batch, "Q");
        Tensor key = Matching(student.Keys, teacher.Keys, batch, "K");
        Tensor value = Matching(student.Values, teacher.Values, batch, "V");

        Tensor teacherProbabilities;
        using (Tape.NoGrad()) teacherProbabilities = Ops.Softmax(tLogits.Detach());
        // BiBERT's soft cross-entropy is (−p·log q).mean() over all B×C elements: Ops' per-row mean divided by C.
        Tensor soft = Ops.Scale(Ops.SoftCrossEntropy(sLogits, teacherProbabilities), 1f / sLogits.Dim(-1));
        Tensor prediction = Ops.Add(soft, Ops.Scale(Ops.CrossEntropy(sLogits, batch.Labels), 0.5f));
        Tensor total = Ops.Add(Ops.Add(Ops.Add(prediction, hidden), Ops.Add(query, key)), value);
        return new DirectionMatchingParts(total, prediction, hidden, query, key, value);
    }

    /// <summary>
    /// Σ_l D(F_s·F_sᵀ/√d, F_t·F_tᵀ/√d) over layers for per-head projections [B, heads, L, d], with the
    /// rows and columns of padding tokens zeroed on both sides.
    /// </summary>
    /// <exception cref="ArgumentException">The lists are missing or differ in length or shape.</exception>
    public static Tensor Matching(IReadOnlyList<Tensor>? student, IReadOnlyList<Tensor>? teacher, BertBatch batch, string name = "F")
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (student is null || teacher is null)
            throw new ArgumentException($"bibert distill: the {name} projections were not recorded by the {(student is null ? "student" : "teacher")}'s forward.");
        if (student.Count != teacher.Count)
            throw new ArgumentException($"bibert distill: {student.Count} student and {teacher.Count} teacher {name} tensors.");
        Tensor loss = Tensor.Scalar(0f);
        Tensor? pairMask = null;
        for (int l = 0; l < student.Count; l++)
        {
            Tensor fs = student[l], ft = teacher[l];
            if (fs.Rank != 4 || !fs.Shape.SequenceEqual(ft.Shape))
                throw new ArgumentException($"bibert distill: {name} of layer {l} is {fs} in the student and {ft} in the teacher; both must be [B, heads, L, d].");
            pairMask ??= DistillationLoss.PairMask(batch, fs.Dim(1));
            loss = Ops.Add(loss, NormalizedDistance.Apply(Gram(fs, pairMask), Gram(ft, pairMask)));
        }
        return loss;
    }

    /// <summary>F·Fᵀ/√d per head, padding pairs zeroed.</summary>
    private static Tensor Gram(Tensor f, Tensor pairMask) =>
        Ops.Mul(Ops.Scale(Ops.MatMul(f, f, transposeB: true), 1f / MathF.Sqrt(f.Dim(-1))), pairMask);
}
