using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Model;

/// <summary>
/// Everything a forward pass produced; distillation losses use the hidden states and attention.
/// </summary>
/// <param name="Sequence">The last layer's hidden states [B, L, H].</param>
/// <param name="HiddenStates">The embedding output followed by every layer's output (layers + 1 tensors, each [B, L, H]).</param>
/// <param name="AttentionScores">Per layer, the unmasked scaled scores [B, heads, L, L].</param>
/// <param name="AttentionProbabilities">Per layer, the masked softmax [B, heads, L, L].</param>
/// <param name="Pooled">tanh(pooler([CLS])) [B, H].</param>
/// <param name="Logits">Classifier logits [B, C], or null for a model without labels.</param>
/// <param name="Queries">Per layer, the query heads [B, heads, L, d] before any query transform (pre-binarization for BiBERT's DMD); null when not recorded.</param>
/// <param name="Keys">Per layer, the key heads before any key transform; null when not recorded.</param>
/// <param name="Values">Per layer, the value heads before any value transform; null when not recorded.</param>
public sealed record BertOutput(
    Tensor Sequence,
    IReadOnlyList<Tensor> HiddenStates,
    IReadOnlyList<Tensor> AttentionScores,
    IReadOnlyList<Tensor> AttentionProbabilities,
    Tensor Pooled,
    Tensor? Logits,
    IReadOnlyList<Tensor>? Queries = null,
    IReadOnlyList<Tensor>? Keys = null,
    IReadOnlyList<Tensor>? Values = null);
