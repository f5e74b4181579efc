using System.Runtime.InteropServices;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Integer;
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
    private readonly SgemmKernel _sgemm = Sgemm.Create(isa);
    private readonly IntegerGemmKernel<PackedInt8Weights> _int8 = Int8Gemm.For(isa);
    private readonly IntegerGemmKernel<PackedTernaryCodes> _ternary = TernaryGemm.Create(isa);

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

    /// <summary>
    /// Binds <c>{prefix}.weight</c> [n, k] and <c>{prefix}.bias</c> [n] as a linear of <paramref name="scheme"/>;
    /// with a <c>{prefix}.weight_split</c> [n, k] (BinaryBERT, binary schemes W1A8 and W1A4 only) a
    /// <see cref="SplitLinear"/> whose second half has the same scheme and no bias.
    /// </summary>
    /// <param name="prefix">Tensor name prefix.</param>
    /// <param name="scheme">The layer's scheme.</param>
    /// <param name="n">Output features.</param>
    /// <param name="k">Input features.</param>
    /// <param name="unsignedInput">The input is a ReLU output: a static A4 step (<c>{prefix}.act_scale</c>) then uses [0, 15], else [−8, 7].</param>
    public QuantizedLinear Linear(string prefix, LinearScheme scheme, int n, int k, bool unsignedInput = false)
    {
        var info = Require(prefix + ".weight", n, k);
        float[] bias = F32(prefix + ".bias", n);
        StaticActivation? step = ActivationStep(prefix, scheme, unsignedInput);
        QuantizedLinear first = Bind(prefix, info, scheme, n, k, bias, step);
        string splitName = prefix + ".weight_split";
        if (!File.TryGetTensor(splitName, out _)) return first;
        if (scheme is not (LinearScheme.W1A8 or LinearScheme.W1A4))
        {
            throw Error($"tensor '{splitName}' splits a {LinearSchemes.Name(scheme)} linear; split linears need a binary scheme, w1a8 or w1a4", $"tensor '{splitName}'");
        }
        var split = Require(splitName, n, k);
        return new SplitLinear(first, Bind(prefix, split, scheme, n, k, new float[n], step));
    }

    /// <summary>The static A4 step of <c>{prefix}.act_scale</c> (f32 [1], W1A4 only), or null when absent.</summary>
    private StaticActivation? ActivationStep(string prefix, LinearScheme scheme, bool unsignedInput)
    {
        string name = prefix + ".act_scale";
        if (!File.TryGetTensor(name, out _)) return null;
        if (scheme != LinearScheme.W1A4)
        {
            throw Error($"tensor '{name}' is a static activation step, which only w1a4 uses; this linear is {LinearSchemes.Name(scheme)}", $"tensor '{name}'");
        }
        float step = F32(name, 1)[0];
        if (!(step > 0f) || !float.IsFinite(step))
        {
            throw Error($"tensor '{name}' is {step}; an activation step must be positive and finite", $"tensor '{name}'");
        }
        return new StaticActivation(step, unsignedInput);
    }

    private QuantizedLinear Bind(string prefix, EbmTensorInfo info, LinearScheme scheme, int n, int k, float[] bias, StaticActivation? step)
    {
        RequireDType(info, $"scheme {LinearSchemes.Name(scheme)}", LinearSchemes.WeightDType(scheme));
        ReadOnlySpan<float> scales = info.Scales;
        return scheme switch
        {
            LinearScheme.Fp32 => new FloatLinear(prefix, _sgemm, _sgemm.Pack(File.GetF32(info.Name), n, k), bias),
            LinearScheme.W8A8 => new IntegerLinear<PackedInt8Weights>(prefix, scheme, _int8, PackedInt8Weights.Pack(File.GetI8(info.Name), n, k, scales), bias),
            LinearScheme.W2A8 => new IntegerLinear<PackedTernaryCodes>(prefix, scheme, _ternary,
                PackedTernaryCodes.PackTernary(MemoryMarshal.Cast<byte, ulong>(File.GetBytes(info)), n, k, scales), bias),
            // W1A8 runs on the 2-bit code GEMM (VNNI / maddubs); W1A4 and W1A1 on the popcount kernels.
            LinearScheme.W1A8 => new IntegerLinear<PackedTernaryCodes>(prefix, scheme, _ternary,
                PackedTernaryCodes.PackBinary(File.GetBinary(info.Name), n, k, scales), bias),
            _ => new BinaryLinear(prefix, scheme, PackedBinaryWeights.FromCanonical(File.GetBinary(info.Name), n, k, scales), bias, _binary, _bitSerial, step),
        };
    }
}
