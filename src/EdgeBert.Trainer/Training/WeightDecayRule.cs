namespace EdgeBert.Trainer.Training;

/// <summary>Which parameters AdamW decays (<c>Torch/Training/TorchAdamW</c> splits its two groups by it).</summary>
public static class WeightDecayRule
{
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
}
