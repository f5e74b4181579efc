using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Tooling;

/// <summary>
/// Writes FP32 weights into an <see cref="EbmWriter"/> quantized the way the runtime reads them
/// (docs/inference.md): f32 for FP32, i8 per-row for W8A8, TWN ternary per-tensor α for W2A8,
/// BiBERT binary per-row α for W1A*. The trainer's exporter and random-model use it.
/// </summary>
public static class LinearExporter
{
    /// <summary>Adds <c>{prefix}.weight</c> [rows, columns] in <paramref name="scheme"/> and <c>{prefix}.bias</c> (f32).</summary>
    public static void AddLinear(EbmWriter writer, string prefix, LinearScheme scheme, ReadOnlySpan<float> weight, int rows, int columns, ReadOnlySpan<float> bias)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (bias.Length != rows) throw new ArgumentException($"{prefix}: bias has {bias.Length} values for {rows} outputs.", nameof(bias));
        AddWeight(writer, prefix + ".weight", scheme, weight, rows, columns);
        writer.AddF32(prefix + ".bias", [rows], bias);
    }

    /// <summary>Adds one weight [rows, columns] quantized for <paramref name="scheme"/>.</summary>
    public static void AddWeight(EbmWriter writer, string name, LinearScheme scheme, ReadOnlySpan<float> weight, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Shapes.ThrowIfBad(weight.Length, rows, columns, nameof(weight));
        switch (scheme)
        {
            case LinearScheme.Fp32:
                writer.AddF32(name, [rows, columns], weight);
                break;
            case LinearScheme.W8A8:
            {
                int stride = EbmLayout.I8RowStride(columns);
                var q = new sbyte[(long)rows * stride];
                var scales = new float[rows];
                Int8RowQuantizer.QuantizeRows(weight, rows, columns, q, stride, scales);
                writer.AddI8(name, rows, columns, q, scales);
                break;
            }
            case LinearScheme.W2A8:
            {
                var values = new sbyte[weight.Length];
                float alpha = TernaryQuantizer.Ternarize(weight, values);
                AddTernary(writer, name, rows, columns, values, [alpha]);
                break;
            }
            default:
                AddBinaryRows(writer, name, weight, rows, columns);
                break;
        }
    }

    /// <summary>Adds a binary tensor with per-row α from BiBERT binarization (weights or a word embedding).</summary>
    public static void AddBinaryRows(EbmWriter writer, string name, ReadOnlySpan<float> weight, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var negative = new bool[weight.Length];
        var alpha = new float[rows];
        BinaryQuantizer.BinarizeRows(weight, rows, columns, negative, alpha);
        var signs = new float[weight.Length];
        for (int i = 0; i < signs.Length; i++) signs[i] = negative[i] ? -1f : 1f;
        var words = new ulong[BinaryLayout.MatrixWords(rows, columns)];
        SignPacking.Pack(new CommunityToolkit.HighPerformance.ReadOnlySpan2D<float>(signs, rows, columns), words);
        writer.AddBinary(name, rows, columns, words, alpha);
    }

    /// <summary>
    /// Adds a binary tensor from BinaryBERT's BWN (<see cref="BwnQuantizer"/>): one α for the
    /// whole tensor (a linear), or one per row when <paramref name="perRow"/> (a word embedding).
    /// </summary>
    public static void AddBinaryBwn(EbmWriter writer, string name, ReadOnlySpan<float> weight, int rows, int columns, bool perRow)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Shapes.ThrowIfBad(weight.Length, rows, columns, nameof(weight));
        var negative = new bool[weight.Length];
        float[] alpha;
        if (perRow)
        {
            alpha = new float[rows];
            BwnQuantizer.BinarizeRows(weight, rows, columns, negative, alpha);
        }
        else
        {
            alpha = [BwnQuantizer.Binarize(weight, negative)];
        }
        var signs = new float[weight.Length];
        for (int i = 0; i < signs.Length; i++) signs[i] = negative[i] ? -1f : 1f;
        var words = new ulong[BinaryLayout.MatrixWords(rows, columns)];
        SignPacking.Pack(new CommunityToolkit.HighPerformance.ReadOnlySpan2D<float>(signs, rows, columns), words);
        writer.AddBinary(name, rows, columns, words, alpha);
    }

    /// <summary>Adds a ternary tensor with per-row TWN α (a ternary word embedding).</summary>
    public static void AddTernaryRows(EbmWriter writer, string name, ReadOnlySpan<float> weight, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var values = new sbyte[weight.Length];
        var alpha = new float[rows];
        TernaryQuantizer.TernarizeRows(weight, rows, columns, values, alpha);
        AddTernary(writer, name, rows, columns, values, alpha);
    }

    private static void AddTernary(EbmWriter writer, string name, int rows, int columns, sbyte[] values, ReadOnlySpan<float> alpha)
    {
        var planes = new ulong[TernaryPacking.MatrixWords(rows, columns)];
        TernaryPacking.Pack(new CommunityToolkit.HighPerformance.ReadOnlySpan2D<sbyte>(values, rows, columns), planes);
        int half = planes.Length / 2;
        writer.AddTernary(name, rows, columns, planes.AsSpan(0, half), planes.AsSpan(half), alpha);
    }
}
