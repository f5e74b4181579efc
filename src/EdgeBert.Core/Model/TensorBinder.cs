using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Encoder;

/// <summary>
/// Reads the encoder's tensors out of an <see cref="EbmFile"/>, checking that each exists with
/// the shape and dtype its scheme needs, and packs weights for the kernels once. Every misfit
/// is a <see cref="ModelFormatException"/> naming the tensor, what was found and what was expected.
/// </summary>
internal sealed class TensorBinder(EbmFile file, KernelIsa isa)
{
    private readonly BinaryGemm _binary = BinaryGemm.Create(isa);
    private readonly BitSerialGemm _bitSerial = BitSerialGemm.Create(isa);

    public EbmFile File { get; } = file;

    public ModelFormatException Error(string what, string where) => new(File.Source, what, where);

    public EbmTensorInfo Require(string name, params int[] shape)
    {
        if (!File.TryGetTensor(name, out var info))
        {
            throw Error($"tensor '{name}' is missing (the encoder needs it, shape [{string.Join(", ", shape)}])", "tensor directory");
        }
        if (!info.Shape.SequenceEqual(shape))
        {
            throw Error($"tensor '{name}' has shape [{string.Join(", ", info.Shape)}]; the architecture needs [{string.Join(", ", shape)}]", $"tensor '{name}'");
        }
        return info;
    }

    public float[] F32(string name, params int[] shape)
    {
        var info = Require(name, shape);
        RequireDType(info, "this tensor", EbmDType.F32);
        return File.GetF32(name).ToArray();
    }

    public void RequireDType(EbmTensorInfo info, string why, params EbmDType[] allowed)
    {
        if (Array.IndexOf(allowed, info.DType) < 0)
        {
            throw Error(
                $"tensor '{info.Name}' is {info.DType.ToString().ToLowerInvariant()}; {why} needs {string.Join(" or ", allowed.Select(d => d.ToString().ToLowerInvariant()))}",
                $"tensor '{info.Name}'");
        }
    }

    /// <summary>Binds <c>{prefix}.weight</c> [n, k] and <c>{prefix}.bias</c> [n] as a linear of <paramref name="scheme"/>.</summary>
    public QuantizedLinear Linear(string prefix, LinearScheme scheme, int n, int k)
    {
        var info = Require(prefix + ".weight", n, k);
        float[] bias = F32(prefix + ".bias", n);
        RequireDType(info, $"scheme {LinearSchemes.Name(scheme)}", LinearSchemes.WeightDType(scheme));
        float[] Scales()
        {
            ReadOnlySpan<float> s = info.Scales;
            return s.Length == 1 ? Enumerable.Repeat(s[0], n).ToArray() : s.ToArray();
        }
        switch (scheme)
        {
            case LinearScheme.Fp32:
                return new FloatLinear(prefix, File.GetF32(info.Name).ToArray(), bias, n, k);
            case LinearScheme.W8A8:
            {
                ReadOnlySpan<sbyte> stored = File.GetI8(info.Name);
                int stride = EbmLayout.I8RowStride(k);
                var weights = new sbyte[n * k];
                for (int r = 0; r < n; r++) stored.Slice(r * stride, k).CopyTo(weights.AsSpan(r * k, k));
                return new IntegerLinear(prefix, scheme, weights, Scales(), bias, n, k);
            }
            case LinearScheme.W2A8:
            {
                var planes = File.GetTernary(info.Name);
                var weights = new sbyte[n * k];
                int stride = BinaryLayout.RowStrideWords(k);
                for (int r = 0; r < n; r++)
                {
                    for (int c = 0; c < k; c++)
                    {
                        int word = r * stride + (c >> 6), bit = c & 63;
                        if ((planes.Nonzero[word] >> bit & 1) != 0) weights[r * k + c] = (planes.Sign[word] >> bit & 1) != 0 ? (sbyte)-1 : (sbyte)1;
                    }
                }
                return new IntegerLinear(prefix, scheme, weights, Scales(), bias, n, k);
            }
            default:
            {
                var packed = PackedBinaryWeights.FromCanonical(File.GetBinary(info.Name), n, k, info.Scales);
                return new BinaryLinear(prefix, scheme, packed, bias, _binary, _bitSerial);
            }
        }
    }
}
