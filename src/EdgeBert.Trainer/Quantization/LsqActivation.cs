using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// LSQ 4-bit activations (METHODS.md §2.2, Esser et al. 2020): x̂ = s·clamp(round(x/s), Qn, Qp) with a
/// learnable step s. Symmetric range [−8, 7]; the asymmetric variant subtracts the batch minimum
/// (treated as a constant), quantizes to [0, 15] and adds it back.
/// Backward: x gets the upstream grad where Qn ≤ x/s ≤ Qp; s gets
/// Σ g·(round(x/s) − x/s) inside, Σ g·Qn below and Σ g·Qp above, times 1/√(N·Qp).
/// </summary>
public sealed class LsqActivation
{
    /// <summary>A quantizer whose step is initialised at its first forward.</summary>
    /// <param name="symmetric">[−8, 7] when true, else [0, 15] after subtracting the minimum.</param>
    public LsqActivation(bool symmetric = true)
    {
        Symmetric = symmetric;
        Step = new Tensor([0f], [1], requiresGrad: true);
    }

    /// <summary>Whether the range is [−8, 7] (else [0, 15] above the batch minimum).</summary>
    public bool Symmetric { get; }

    /// <summary>The learnable step s, shape [1]; 0 until the first forward.</summary>
    public Tensor Step { get; }

    /// <summary>Whether the step has been initialised.</summary>
    public bool Initialized { get; private set; }

    /// <summary>The lower code Qn.</summary>
    public int Qn => Symmetric ? -8 : 0;

    /// <summary>The upper code Qp.</summary>
    public int Qp => Symmetric ? 7 : 15;

    /// <summary>
    /// Quantizes <paramref name="x"/>. The first call sets s = 2·mean|x|/√Qp (symmetric) or
    /// 4·mean|x|/√Qp (asymmetric), as BinaryBERT's code.
    /// </summary>
    /// <exception cref="ArgumentException">An input is not finite, or the step is not positive.</exception>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        QuantizerChecks.ThrowIfNotFinite(x, "lsq");
        if (!Initialized)
        {
            double meanAbs = 0;
            foreach (float v in x.Data) meanAbs += Math.Abs(v);
            meanAbs = x.Length == 0 ? 0 : meanAbs / x.Length;
            float init = (float)((Symmetric ? 2 : 4) * meanAbs / Math.Sqrt(Qp));
            Step.Data[0] = init > 0f ? init : 1f;
            Initialized = true;
        }
        return Quantize(x, Step, Qn, Qp, Symmetric);
    }

    /// <summary>The LSQ op on a given step tensor [1] (exposed for tests and custom wrappers).</summary>
    /// <exception cref="ArgumentException">The step is not a positive finite [1] tensor.</exception>
    public static Tensor Quantize(Tensor x, Tensor step, int qn, int qp, bool symmetric)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(step);
        if (step.Length != 1 || !(step.Data[0] > 0f) || !float.IsFinite(step.Data[0]))
            throw new ArgumentException($"lsq: the step must be one positive finite value, got {step} = {(step.Length > 0 ? step.Data[0] : float.NaN)}.", nameof(step));
        if (qn >= qp) throw new ArgumentException($"lsq: Qn {qn} must be below Qp {qp}.", nameof(qn));
        var op = new CustomOp("lsq", inputs => Forward(inputs[0], inputs[1].Data[0], qn, qp, symmetric), context => Backward(context, qn, qp));
        return op.Apply(x, step);
    }

    private sealed record State(float[] Scaled, float Step);

    private static CustomResult Forward(Tensor x, float s, int qn, int qp, bool symmetric)
    {
        float offset = symmetric || x.Length == 0 ? 0f : x.Data.Min();
        var values = new float[x.Length];
        var scaled = new float[x.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = (x.Data[i] - offset) / s;
            scaled[i] = v;
            values[i] = s * Math.Clamp(MathF.Round(v), qn, qp) + offset;
        }
        return new CustomResult(values, x.ShapeArray(), new State(scaled, s));
    }

    private static void Backward(CustomBackwardContext context, int qn, int qp)
    {
        var state = (State)context.State!;
        ReadOnlySpan<float> up = context.OutputGrad;
        float[] v = state.Scaled;
        if (context.NeedsGrad(0))
        {
            Span<float> g = context.InputGrad(0);
            for (int i = 0; i < g.Length; i++)
            {
                if (v[i] >= qn && v[i] <= qp) g[i] += up[i];
            }
        }
        if (context.NeedsGrad(1))
        {
            double sum = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double ds = v[i] < qn ? qn : v[i] > qp ? qp : Math.Round(v[i], MidpointRounding.ToEven) - v[i];
                sum += up[i] * ds;
            }
            double gradScale = v.Length == 0 ? 0 : 1.0 / Math.Sqrt((double)v.Length * qp);
            context.InputGrad(1)[0] += (float)(sum * gradScale);
        }
    }
}
