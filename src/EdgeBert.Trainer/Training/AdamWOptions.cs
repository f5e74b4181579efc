namespace EdgeBert.Trainer.Training;

/// <summary>Hyper-parameters of AdamW (<c>Torch/Training/TorchAdamW</c>; defaults as BERT fine-tuning in HF).</summary>
public sealed record AdamWOptions
{
    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Added to √v̂ in the denominator.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Decoupled weight decay λ (applied as p ← p − lr·λ·p) to weights, not to biases and LayerNorm.</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(Beta1 >= 0f && Beta1 < 1f)) throw new ArgumentException($"AdamW: beta1 {Beta1} is outside [0, 1).");
        if (!(Beta2 >= 0f && Beta2 < 1f)) throw new ArgumentException($"AdamW: beta2 {Beta2} is outside [0, 1).");
        if (!(Epsilon > 0f)) throw new ArgumentException($"AdamW: epsilon {Epsilon} must be positive.");
        if (!(WeightDecay >= 0f && float.IsFinite(WeightDecay))) throw new ArgumentException($"AdamW: weight decay {WeightDecay} must be a finite value ≥ 0.");
    }
}
