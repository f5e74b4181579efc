using EdgeBert.Trainer.Torch.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// A post-LN BERT layer on LibTorch: attention → dropout
/// → add &amp; LayerNorm → FFN (erf GELU or ReLU) → dropout → add &amp; LayerNorm. EdgeBert names:
/// <c>attention.*</c>, <c>attention.ln.{gamma|beta}</c>, <c>ffn.{in|out}.{weight|bias}</c>,
/// <c>ffn.ln.{gamma|beta}</c>.
/// </summary>
public sealed class TorchBertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSelfAttention attention;
    private readonly LayerNorm attention_ln;
    private readonly Linear ffn_in;
    private readonly Linear ffn_out;
    private readonly LayerNorm ffn_ln;
    private readonly Dropout dropout;
    private readonly bool relu;
    private readonly double eps;

    /// <summary>A layer with the sizes of <paramref name="config"/>.</summary>
    public TorchBertLayer(Model.BertConfig config) : base(nameof(TorchBertLayer))
    {
        ArgumentNullException.ThrowIfNull(config);
        attention = new TorchSelfAttention(config.Hidden, config.Heads, config.AttentionHeadSize, config.AttentionDropout);
        attention_ln = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        ffn_in = TorchInit.Linear(config.Hidden, config.Ffn);
        ffn_out = TorchInit.Linear(config.Ffn, config.Hidden);
        ffn_ln = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropout);
        relu = config.HiddenAct == "relu";
        eps = config.LayerNormEps;
        RegisterComponents();
    }

    /// <summary>The self-attention (quantization hooks set its transforms).</summary>
    public TorchSelfAttention Attention => attention;

    /// <summary>The six linears in the model file's order: query, key, value, attention output, FFN in, FFN out.</summary>
    internal IEnumerable<Linear> Linears => attention.Linears.Concat([ffn_in, ffn_out]);

    /// <summary>
    /// Whether the FFN's GELU takes the runtime's values (<see cref="Quantization.TorchRuntimeGelu"/>):
    /// set by the quantizers of students that binarize the GELU output.
    /// </summary>
    internal bool RuntimeGelu { get; set; }

    /// <summary>The FFN in linear (one row per neuron).</summary>
    internal Linear FfnIn => ffn_in;

    /// <summary>The FFN out linear (its input is the GELU/ReLU output).</summary>
    internal Linear FfnOut => ffn_out;

    /// <summary>The two LayerNorms (after attention, after the FFN).</summary>
    internal IEnumerable<LayerNorm> Norms => [attention_ln, ffn_ln];

    /// <summary>Applies the layer to x [B, L, H] with the additive mask [B, 1, 1, L].</summary>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return ForwardTraced(x, mask).Hidden.MoveToOuterDisposeScope();
    }

    /// <summary>The layer's output and its attention's tensors (in the caller's dispose scope).</summary>
    public (Tensor Hidden, TorchAttentionOutput Attention) ForwardTraced(Tensor x, Tensor mask)
    {
        TorchAttentionOutput a = attention.ForwardTraced(x, mask);
        Tensor h = TorchQuantizedModules.Forward(attention_ln, x + dropout.forward(a.Output), eps);
        Tensor inner = TorchQuantizedModules.Forward(ffn_in, h);
        Tensor activation = relu ? nn.functional.relu(inner) : RuntimeGelu ? Quantization.TorchRuntimeGelu.Apply(inner) : nn.functional.gelu(inner);
        Tensor f = TorchQuantizedModules.Forward(ffn_out, activation);
        return (TorchQuantizedModules.Forward(ffn_ln, h + dropout.forward(f), eps), a);
    }

    /// <summary>The parameters under their EdgeBert names, relative to <c>layer.{i}</c>.</summary>
    internal IEnumerable<(string Name, Tensor Parameter)> NamedWeights() =>
        attention.NamedWeights().Select(w => ("attention." + w.Name, w.Parameter))
            .Concat(TorchInit.LayerNormWeights("attention.ln", attention_ln))
            .Concat(TorchInit.LinearWeights("ffn.in", ffn_in)).Concat(TorchInit.LinearWeights("ffn.out", ffn_out))
            .Concat(TorchInit.LayerNormWeights("ffn.ln", ffn_ln));
}
