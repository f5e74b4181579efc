using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter) as PyTorch's <c>torch.optim.AdamW</c>: decoupled weight decay
/// p ← p·(1 − lr·λ), then m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², and
/// p ← p − lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε). Biases and LayerNorm parameters get no
/// weight decay (<see cref="DecaysWeight"/>). A parameter without a gradient this step is left
/// alone (moments included), as in PyTorch.
/// </summary>
public sealed class AdamW
{
    private readonly (string Name, Tensor Parameter, bool Decay)[] parameters;
    private readonly Dictionary<string, (float[] M, float[] V)> moments = new(StringComparer.Ordinal);

    /// <summary>An optimizer over named parameters (names must be unique).</summary>
    /// <exception cref="ArgumentException">A name repeats or the options are invalid.</exception>
    public AdamW(IEnumerable<(string Name, Tensor Parameter)> namedParameters, AdamWOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        Options = options ?? new AdamWOptions();
        Options.Validate();
        parameters = namedParameters.Select(p => (p.Name, p.Parameter, DecaysWeight(p.Name))).ToArray();
        foreach ((string name, Tensor p, _) in parameters)
        {
            if (!moments.TryAdd(name, (new float[p.Length], new float[p.Length])))
            {
                throw new ArgumentException($"AdamW: parameter name '{name}' appears twice.", nameof(namedParameters));
            }
        }
    }

    /// <summary>The hyper-parameters.</summary>
    public AdamWOptions Options { get; }

    /// <summary>Updates taken so far (t in the bias corrections).</summary>
    public long Step { get; private set; }

    /// <summary>
    /// True for weights; false for biases and LayerNorm gamma/beta, which BERT does not decay, and
    /// for learned activation steps (<c>act_scale</c>), which BinaryBERT does not decay either.
    /// </summary>
    public static bool DecaysWeight(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string last = name[(name.LastIndexOf('.') + 1)..];
        return last is not ("bias" or "gamma" or "beta" or "act_scale");
    }

    /// <summary>Takes one step with learning rate <paramref name="learningRate"/> using each parameter's <see cref="Tensor.Grad"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    public void Update(float learningRate)
    {
        if (!(learningRate >= 0f && float.IsFinite(learningRate))) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "AdamW: the learning rate must be finite and ≥ 0.");
        Step++;
        float b1 = Options.Beta1, b2 = Options.Beta2, eps = Options.Epsilon;
        float correction1 = (float)(1 - Math.Pow(b1, Step));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(b2, Step));
        float stepSize = learningRate / correction1;
        float decay = 1f - learningRate * Options.WeightDecay;
        foreach ((string name, Tensor p, bool decays) in parameters)
        {
            if (p.Grad is not { } g) continue;
            (float[] m, float[] v) = moments[name];
            float[] w = p.Data;
            for (int i = 0; i < w.Length; i++)
            {
                if (decays) w[i] *= decay;
                m[i] = b1 * m[i] + (1f - b1) * g[i];
                v[i] = b2 * v[i] + (1f - b2) * g[i] * g[i];
                float denominator = MathF.Sqrt(v[i]) / correction2Sqrt + eps;
                w[i] -= stepSize * m[i] / denominator;
            }
        }
    }

    /// <summary>The moments for a checkpoint: <c>m.{name}</c> and <c>v.{name}</c> (live arrays).</summary>
    public IEnumerable<(string Name, float[] Values)> StateTensors()
    {
        foreach ((string name, _, _) in parameters)
        {
            yield return ("m." + name, moments[name].M);
            yield return ("v." + name, moments[name].V);
        }
    }

    /// <summary>Restores the step and moments written by <see cref="StateTensors"/>.</summary>
    /// <exception cref="ArgumentException">A moment is missing or has the wrong length.</exception>
    public void LoadState(long step, IReadOnlyDictionary<string, float[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        foreach ((string name, Tensor p, _) in parameters)
        {
            (float[] m, float[] v) = moments[name];
            foreach ((string key, float[] target) in new[] { ("m." + name, m), ("v." + name, v) })
            {
                if (!state.TryGetValue(key, out float[]? values)) throw new ArgumentException($"AdamW state: '{key}' is missing.");
                if (values.Length != p.Length) throw new ArgumentException($"AdamW state: '{key}' has {values.Length} values, the parameter {p.Length}.");
                values.CopyTo(target, 0);
            }
        }

        Step = step;
    }
}
