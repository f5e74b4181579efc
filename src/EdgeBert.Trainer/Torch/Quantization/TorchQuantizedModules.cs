using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// The quantizers attached to the TorchSharp modules of a model: a <see cref="TorchLinearQuantizer"/> per Linear, a weight quantizer per
/// Embedding, and float64 evaluation per LayerNorm (the runtime's LayerNorm, for BiBERT). The
/// modules of <see cref="TorchBertModel"/> call <c>Forward</c> here instead of their own forward;
/// without an attachment it is the plain module.
/// </summary>
public static class TorchQuantizedModules
{
    private static readonly ConditionalWeakTable<Linear, TorchLinearQuantizer> s_linears = [];
    private static readonly ConditionalWeakTable<Embedding, Func<Tensor, Tensor>> s_embeddings = [];
    private static readonly ConditionalWeakTable<LayerNorm, object> s_float64 = [];

    /// <summary>Attaches <paramref name="quantizer"/> to <paramref name="linear"/> (null detaches).</summary>
    public static void Attach(Linear linear, TorchLinearQuantizer? quantizer)
    {
        ArgumentNullException.ThrowIfNull(linear);
        if (quantizer is null) s_linears.Remove(linear);
        else s_linears.AddOrUpdate(linear, quantizer);
    }

    /// <summary>Attaches a weight quantizer to an embedding table (null detaches).</summary>
    public static void Attach(Embedding embedding, Func<Tensor, Tensor>? weight)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (weight is null) s_embeddings.Remove(embedding);
        else s_embeddings.AddOrUpdate(embedding, weight);
    }

    /// <summary>Evaluates <paramref name="norm"/> in float64, rounded once to float32, as the runtime (false: LibTorch's float32 LayerNorm).</summary>
    public static void SetFloat64(LayerNorm norm, bool float64)
    {
        ArgumentNullException.ThrowIfNull(norm);
        if (float64) s_float64.AddOrUpdate(norm, true);
        else s_float64.Remove(norm);
    }

    /// <summary>The quantizer attached to <paramref name="linear"/>, or null.</summary>
    public static TorchLinearQuantizer? Quantizer(Linear linear) => s_linears.TryGetValue(linear, out TorchLinearQuantizer? q) ? q : null;

    /// <summary>The linear with its attached quantizer, if any.</summary>
    public static Tensor Forward(Linear linear, Tensor x) =>
        s_linears.TryGetValue(linear, out TorchLinearQuantizer? q) ? q.Forward(linear, x) : linear.forward(x);

    /// <summary>The embedding lookup through the attached weight quantizer, if any.</summary>
    public static Tensor Forward(Embedding embedding, Tensor ids)
    {
        if (!s_embeddings.TryGetValue(embedding, out Func<Tensor, Tensor>? weight)) return embedding.forward(ids);
        using var scope = NewDisposeScope();
        Tensor table = weight(embedding.weight!);
        long[] shape = [.. ids.shape, table.shape[1]];
        return table.index_select(0, ids.reshape(-1)).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The LayerNorm, in float64 where <see cref="SetFloat64"/> asked for it.</summary>
    public static Tensor Forward(LayerNorm norm, Tensor x, double eps)
    {
        if (!s_float64.TryGetValue(norm, out _)) return norm.forward(x);
        using var scope = NewDisposeScope();
        Tensor x64 = x.to_type(ScalarType.Float64);
        Tensor centred = x64 - x64.mean([-1], keepdim: true);
        Tensor inverse = (centred * centred).mean([-1], keepdim: true).add(eps).sqrt().reciprocal();
        Tensor y = centred * inverse * norm.weight!.to_type(ScalarType.Float64) + norm.bias!.to_type(ScalarType.Float64);
        return y.to_type(x.dtype).MoveToOuterDisposeScope();
    }
}
