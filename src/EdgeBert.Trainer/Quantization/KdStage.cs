namespace EdgeBert.Trainer.Quantization;

/// <summary>Which loss a BinaryBERT KD stage trains with (<c>TorchDistillationLoss.BinaryBert</c>).</summary>
public enum KdStage
{
    /// <summary>DynaBERT's width distillation: Σ hidden-state MSE + logit SCE (no attention term: the teacher has more heads).</summary>
    Width,

    /// <summary>BinaryBERT stage A: Σ hidden-state MSE (embedding output included) + Σ attention-score MSE.</summary>
    Intermediate,

    /// <summary>BinaryBERT stage B: logit soft cross-entropy only, averaged over classes.</summary>
    Prediction,
}
