using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Distillation;

/// <summary>
/// BiBERT's normalised distance D(S, T) = ‖S/‖S‖ − T/‖T‖‖ (Frobenius norms over the whole tensors),
/// the building block of Direction-Matching Distillation and of its hidden-state loss. It compares
/// directions only: D(aS, bT) = D(S, T) for a, b &gt; 0, and 0 ≤ D ≤ 2.
/// Evaluated in float64. Gradient: with Ŝ = S/‖S‖, u = (Ŝ − T̂)/D,
/// ∂D/∂S = (u − Ŝ·⟨Ŝ, u⟩)/‖S‖ and ∂D/∂T = −(u − T̂·⟨T̂, u⟩)/‖T‖; at D = 0 (or a zero tensor,
/// whose direction is undefined and taken as 0) the gradient is taken as 0.
/// </summary>
public static class NormalizedDistance
{
    private static readonly CustomOp Op = new("normalized_distance", Forward, Backward);

    /// <summary>D(<paramref name="student"/>, <paramref name="teacher"/>), a scalar; both may require grad.</summary>
    /// <exception cref="ArgumentException">The shapes differ, the tensors are empty, or a value is not finite.</exception>
    public static Tensor Apply(Tensor student, Tensor teacher)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        if (!student.Shape.SequenceEqual(teacher.Shape))
            throw new ArgumentException($"{Op.Name}: the student {student} and the teacher {teacher} differ in shape.");
        if (student.Length == 0) throw new ArgumentException($"{Op.Name}: the tensors are empty.");
        return Op.Apply(student, teacher);
    }

    private sealed record State(double[] SHat, double[] THat, double NormS, double NormT, double Distance);

    private static CustomResult Forward(IReadOnlyList<Tensor> inputs)
    {
        float[] s = inputs[0].Data, t = inputs[1].Data;
        double normS = Norm(s, Op.Name, "student"), normT = Norm(t, Op.Name, "teacher");
        var sHat = new double[s.Length];
        var tHat = new double[t.Length];
        double sq = 0;
        for (int i = 0; i < s.Length; i++)
        {
            sHat[i] = normS == 0 ? 0 : s[i] / normS;
            tHat[i] = normT == 0 ? 0 : t[i] / normT;
            double d = sHat[i] - tHat[i];
            sq += d * d;
        }
        double distance = Math.Sqrt(sq);
        return new CustomResult([(float)distance], [], new State(sHat, tHat, normS, normT, distance));
    }

    private static void Backward(CustomBackwardContext context)
    {
        var st = (State)context.State!;
        if (st.Distance == 0) return;
        double g = context.OutputGrad[0];
        var u = new double[st.SHat.Length];
        for (int i = 0; i < u.Length; i++) u[i] = (st.SHat[i] - st.THat[i]) / st.Distance;
        if (context.NeedsGrad(0)) Accumulate(context.InputGrad(0), st.SHat, u, st.NormS, g);
        if (context.NeedsGrad(1)) Accumulate(context.InputGrad(1), st.THat, u, st.NormT, -g);
    }

    /// <summary>grad += g·(u − x̂⟨x̂, u⟩)/‖x‖: the derivative of ⟨x/‖x‖, u⟩ projected off the direction.</summary>
    private static void Accumulate(Span<float> grad, double[] hat, double[] u, double norm, double g)
    {
        if (norm == 0) return;
        double dot = 0;
        for (int i = 0; i < u.Length; i++) dot += hat[i] * u[i];
        double scale = g / norm;
        for (int i = 0; i < grad.Length; i++) grad[i] += (float)(scale * (u[i] - hat[i] * dot));
    }

    private static double Norm(float[] values, string op, string side)
    {
        double sq = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v)) throw new ArgumentException($"{op}: element {i} of the {side} tensor is {v}; values must be finite.");
            sq += (double)v * v;
        }
        return Math.Sqrt(sq);
    }
}
