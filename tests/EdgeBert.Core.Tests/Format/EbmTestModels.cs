using EdgeBert.Format;

namespace EdgeBert.Core.Tests.Format;

/// <summary>Small deterministic models and reference packers for the format tests.</summary>
internal static class EbmTestModels
{
    internal static readonly string[] Vocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##a", "##b", "the", "spam", "ham", "été", "日本"];

    internal static EbmMetadata Metadata(int layers = 1, int hidden = 8, int heads = 2, int ffn = 16, int maxPositions = 16,
        string[]? labels = null) => new()
    {
        Architecture = new BertArchitecture
        {
            VocabSize = Vocabulary.Length,
            HiddenSize = hidden,
            Layers = layers,
            Heads = heads,
            FfnSize = ffn,
            MaxPositions = maxPositions,
            Attention = AttentionKind.BiAttention,
            Pooling = PoolingKind.Cls,
        },
        Layers = Enumerable.Range(0, layers).Select(i => new LayerScheme { WeightBits = 1, ActivationBits = 1, Method = QuantMethod.BiBert }).ToArray(),
        Labels = labels ?? ["ham", "spam"],
        Tokenizer = new TokenizerOptions { MaxLength = maxPositions },
        Provenance = new Provenance { TrainerVersion = "test", Method = QuantMethod.BiBert, Task = "unit", Metric = "accuracy", TeacherScore = 0.9, StudentScore = 0.85 },
    };

    /// <summary>Random values in {−1, +1} (or {−1, 0, +1} with <paramref name="ternary"/>), row-major [rows, cols].</summary>
    internal static sbyte[] RandomSigns(Random random, int rows, int cols, bool ternary)
    {
        var values = new sbyte[rows * cols];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ternary ? (sbyte)random.Next(-1, 2) : (sbyte)(random.Next(2) == 0 ? -1 : 1);
        }
        return values;
    }

    /// <summary>The canonical binary layout, written out bit by bit: bit (k % 64) of word (k / 64) is 1 for a negative value.</summary>
    internal static ulong[] PackPlane(sbyte[] values, int rows, int cols, Func<sbyte, bool> bit)
    {
        int stride = EbmLayout.PackedRowWords(cols);
        var words = new ulong[rows * stride];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < cols; k++)
            {
                if (bit(values[r * cols + k])) words[r * stride + k / 64] |= 1UL << (k % 64);
            }
        }
        return words;
    }

    internal static ulong[] PackBinary(sbyte[] values, int rows, int cols) => PackPlane(values, rows, cols, v => v < 0);

    internal static (ulong[] Sign, ulong[] Nonzero) PackTernary(sbyte[] values, int rows, int cols) =>
        (PackPlane(values, rows, cols, v => v < 0), PackPlane(values, rows, cols, v => v != 0));

    internal static sbyte[] PadI8(sbyte[] values, int rows, int cols)
    {
        int stride = EbmLayout.I8RowStride(cols);
        var padded = new sbyte[rows * stride];
        for (int r = 0; r < rows; r++) values.AsSpan(r * cols, cols).CopyTo(padded.AsSpan(r * stride));
        return padded;
    }

    internal static float[] RandomFloats(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    /// <summary>A writer holding one tensor of every dtype and scale kind, with conventional names.</summary>
    internal static EbmWriter AllDTypes(int seed = 1)
    {
        var random = new Random(seed);
        var writer = new EbmWriter(Metadata(), Vocabulary);
        writer.AddF32("embeddings.word", [Vocabulary.Length, 8], RandomFloats(random, Vocabulary.Length * 8));
        writer.AddF32("embeddings.ln.gamma", [8], RandomFloats(random, 8));
        writer.AddBinary("layer.0.attention.query.weight", 8, 8, PackBinary(RandomSigns(random, 8, 8, false), 8, 8), RandomFloats(random, 8));
        writer.AddBinary("layer.0.attention.key.weight", 8, 8, PackBinary(RandomSigns(random, 8, 8, false), 8, 8), [0.5f]);
        var (sign, nonzero) = PackTernary(RandomSigns(random, 8, 8, true), 8, 8);
        writer.AddTernary("layer.0.attention.value.weight", 8, 8, sign, nonzero, RandomFloats(random, 8));
        var (sign2, nonzero2) = PackTernary(RandomSigns(random, 16, 8, true), 16, 8);
        writer.AddTernary("layer.0.ffn.in.weight", 16, 8, sign2, nonzero2, [0.25f]);
        var q = Enumerable.Range(0, 8 * 16).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        writer.AddI8("layer.0.ffn.out.weight", 8, 16, PadI8(q, 8, 16), RandomFloats(random, 8));
        writer.AddF16("layer.0.attention.output.weight", [8, 8], RandomFloats(random, 64).Select(f => (Half)f).ToArray());
        writer.AddF32("classifier.weight", [2, 8], RandomFloats(random, 16));
        return writer;
    }

    /// <summary>Reads every tensor through its typed accessor, so a lazy defect would surface.</summary>
    internal static long TouchAll(EbmFile file)
    {
        long sum = 0;
        foreach (var t in file.Tensors)
        {
            sum += t.DType switch
            {
                EbmDType.F32 => file.GetF32(t.Name).Length,
                EbmDType.F16 => file.GetF16(t.Name).Length,
                EbmDType.I8 => file.GetI8(t.Name).Length,
                EbmDType.Binary => file.GetBinary(t.Name).Length,
                EbmDType.Ternary => file.GetTernary(t.Name).Nonzero.Length,
                _ => throw new InvalidOperationException(t.DType.ToString()),
            };
            foreach (byte b in file.GetBytes(t.Name)) sum += b;
            foreach (float s in t.Scales) sum += (long)s;
        }
        return sum + file.Vocabulary.Count + file.Metadata.Layers.Count;
    }
}
