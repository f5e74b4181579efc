namespace EdgeBert.Kernels.Integer;

/// <summary>
/// Weights of one linear layer packed once, at load time, into the 16-output panel layout the
/// integer GEMMs stream (<see cref="PackedInt8Weights"/>, <see cref="PackedTernaryCodes"/>).
/// One layout serves every instruction set: a 512-bit vector is 16 int32 lanes, one per
/// output, and the 256/128-bit kernels read the same bytes as 2 or 4 narrower vectors.
/// Immutable and shareable across threads.
/// </summary>
public abstract class PackedIntegerWeights
{
    /// <summary>Outputs per panel: one int32 lane each in a 512-bit vector.</summary>
    internal const int PanelWidth = 16;

    /// <summary>K is padded to this multiple (zero activations, neutral weights).</summary>
    internal const int KAlignment = 64;

    private protected PackedIntegerWeights(int n, int k, float[] scales, int[] columnSums, byte[] data, int panelBytes)
    {
        N = n;
        K = k;
        KPad = RoundUp(k, KAlignment);
        Panels = (n + PanelWidth - 1) / PanelWidth;
        Scales = scales;
        ColumnSums = columnSums;
        Data = data;
        PanelBytes = panelBytes;
    }

    /// <summary>Output features (rows of the canonical [N, K] weight).</summary>
    public int N { get; }

    /// <summary>Input features (the reduction length).</summary>
    public int K { get; }

    /// <summary>Bytes held by the packed weights, scales and sums.</summary>
    public long SizeInBytes => Data.LongLength + 4L * (Scales.Length + ColumnSums.Length);

    /// <summary>K rounded up to <see cref="KAlignment"/>.</summary>
    internal int KPad { get; }

    /// <summary>Number of 16-output panels (the last one padded).</summary>
    internal int Panels { get; }

    /// <summary>Per-output weight scale, padded with zeros to <c>Panels × 16</c>.</summary>
    internal float[] Scales { get; }

    /// <summary>Σ_k w[n, k] per output (padded with zeros): the VNNI +128 compensation and the activation zero-point term.</summary>
    internal int[] ColumnSums { get; }

    /// <summary>The panels, <see cref="PanelBytes"/> each.</summary>
    internal byte[] Data { get; }

    /// <summary>Bytes per 16-output panel.</summary>
    internal int PanelBytes { get; }

    private protected static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Expands a per-row (N values) or per-tensor (1 value) scale to the padded panel width.</summary>
    private protected static float[] ExpandScales(ReadOnlySpan<float> scales, int n, string paramName)
    {
        if (scales.Length != n && scales.Length != 1)
        {
            throw new ArgumentException(
                $"Expected {n} per-row scales or 1 per-tensor scale, got {scales.Length}.", paramName);
        }
        var expanded = new float[RoundUp(n, PanelWidth)];
        for (int i = 0; i < n; i++)
        {
            float s = scales.Length == 1 ? scales[0] : scales[i];
            if (!float.IsFinite(s))
                throw new ArgumentException($"Scale of row {i} is {s}; scales must be finite.", paramName);
            expanded[i] = s;
        }
        return expanded;
    }

    private protected static void CheckShape(int n, int k, int maxK)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (k > maxK)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k,
                $"K = {k} exceeds {maxK}, beyond which the int32 accumulators could overflow.");
        }
    }
}
