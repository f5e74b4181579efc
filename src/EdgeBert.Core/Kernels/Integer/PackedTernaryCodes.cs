namespace EdgeBert.Kernels.Integer;

/// <summary>
/// Ternary (W1.58) or binary (W1) weights packed as 2-bit codes <c>w + 1 ∈ {0, 1, 2}</c> for
/// the W2A8 / W1A8 GEMM (binary weights use codes {0, 2} and the same kernels).
/// </summary>
/// <remarks>
/// Panel layout (16 outputs, K in blocks of 16, 64 bytes per block), an I2_S-style interleave
/// re-cut for lane-per-output VNNI:
/// <code>
/// panel p, block b:  byte 4j+t, bits 2q..2q+1 = code(16p + j, 16b + 4q + t)
///                    j = 0..15 (output), t = 0..3 (K within a group), q = 0..3 (group)
/// one 64-byte load ─► (v &gt;&gt; 0) &amp; 3 : codes of K group 16b+0..3  (int32 lane j = output j)
///                     (v &gt;&gt; 2) &amp; 3 : codes of K group 16b+4..7
///                     (v &gt;&gt; 4) &amp; 3, (v &gt;&gt; 6) &amp; 3 : groups 16b+8..11, 16b+12..15
/// </code>
/// So one load and four shift/and pairs give four code vectors in the int8 W8A8 lane order, and
/// Σ code·x − Σ x = Σ w·x. Padding (K past the end, outputs past N) holds code 1 (w = 0).
/// </remarks>
public sealed class PackedTernaryCodes : PackedIntegerWeights
{
    /// <summary>Largest supported K: |Σ code·x| ≤ 2·128·K stays far inside int32.</summary>
    public const int MaxK = 1 << 22;

    private PackedTernaryCodes(int n, int k, float[] scales, int[] sums, byte[] data, int panelBytes, bool isBinary)
        : base(n, k, scales, sums, data, panelBytes)
    {
        IsBinary = isBinary;
    }

    /// <summary>True when packed from binary (±1) weights.</summary>
    public bool IsBinary { get; }

    /// <summary>
    /// Packs canonical <c>ternary</c> weights: plane 0 (sign, 1 = negative) then plane 1
    /// (nonzero mask), each n rows of <c>ceil(k/64)</c> words
    /// (<see cref="Packing.BinaryLayout.RowStrideWords"/>); bit k%64 of word k/64. Scales: n per-row values or 1 per-tensor value.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths, a sign bit on a zero, or non-zero padding.</exception>
    public static PackedTernaryCodes PackTernary(ReadOnlySpan<ulong> planes, int n, int k, ReadOnlySpan<float> scales)
    {
        CheckShape(n, k, MaxK);
        int stride = WordStride(k);
        long planeWords = (long)n * stride;
        if (planes.Length != 2 * planeWords)
        {
            throw new ArgumentException(
                $"ternary [{n}, {k}] needs 2 planes × {n} rows × {stride} words = {2 * planeWords} words, got {planes.Length}.", nameof(planes));
        }
        ReadOnlySpan<ulong> sign = planes[..(int)planeWords], mask = planes[(int)planeWords..];
        for (int row = 0; row < n; row++)
        {
            CheckPadding(sign.Slice(row * stride, stride), k, row, "sign", nameof(planes));
            CheckPadding(mask.Slice(row * stride, stride), k, row, "nonzero mask", nameof(planes));
            for (int w = 0; w < stride; w++)
            {
                ulong bad = sign[row * stride + w] & ~mask[row * stride + w];
                if (bad != 0)
                {
                    throw new ArgumentException(
                        $"ternary row {row}, k {w * 64 + System.Numerics.BitOperations.TrailingZeroCount(bad)}: sign bit set on a zero value (the mask bit is 0).", nameof(planes));
                }
            }
        }
        return Build(n, k, ExpandScales(scales, n, nameof(scales)), isBinary: false, sign, mask, stride);
    }

    /// <summary>
    /// Packs canonical <c>binary</c> weights (bit 1 = −1, 0 = +1; rows of <c>ceil(k/64)</c>
    /// words) as codes {0, 2} for the W1A8 path.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths or non-zero padding.</exception>
    public static PackedTernaryCodes PackBinary(ReadOnlySpan<ulong> bits, int n, int k, ReadOnlySpan<float> scales)
    {
        CheckShape(n, k, MaxK);
        int stride = WordStride(k);
        if (bits.Length != (long)n * stride)
        {
            throw new ArgumentException(
                $"binary [{n}, {k}] needs {n} rows × {stride} words = {(long)n * stride} words, got {bits.Length}.", nameof(bits));
        }
        for (int row = 0; row < n; row++) CheckPadding(bits.Slice(row * stride, stride), k, row, "binary", nameof(bits));
        return Build(n, k, ExpandScales(scales, n, nameof(scales)), isBinary: true, bits, default, stride);
    }

    /// <summary>
    /// Packs ternary values given one per sbyte (−1, 0, +1), row-major [n, k] without padding:
    /// the trainer's and the tests' convenience route.
    /// </summary>
    /// <exception cref="ArgumentException">A value outside {−1, 0, 1} or a wrong length.</exception>
    public static PackedTernaryCodes PackValues(ReadOnlySpan<sbyte> values, int n, int k, ReadOnlySpan<float> scales)
    {
        CheckShape(n, k, MaxK);
        if (values.Length != (long)n * k)
            throw new ArgumentException($"[{n}, {k}] needs {(long)n * k} values, got {values.Length}.", nameof(values));
        int stride = WordStride(k);
        var planes = new ulong[2L * n * stride];
        Span<ulong> sign = planes.AsSpan(0, n * stride), mask = planes.AsSpan(n * stride);
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is < -1 or > 1)
                throw new ArgumentException($"Value {values[i]} at row {i / k}, k {i % k} is not ternary (−1, 0, 1).", nameof(values));
            int row = i / k, kk = i % k;
            ulong bit = 1UL << (kk % 64);
            if (values[i] != 0) mask[row * stride + kk / 64] |= bit;
            if (values[i] < 0) sign[row * stride + kk / 64] |= bit;
        }
        return Build(n, k, ExpandScales(scales, n, nameof(scales)), isBinary: false, sign, mask, stride);
    }

    /// <summary>Reads back w[row, k] ∈ {−1, 0, 1} (tests and diagnostics).</summary>
    internal int this[int row, int k] =>
        ((Data[row / PanelWidth * PanelBytes + k / 16 * 64 + 4 * (row % PanelWidth) + k % 4] >> (2 * (k % 16 / 4))) & 3) - 1;

    /// <summary>
    /// Interleaves canonical bit planes into panels, 16 K (one 64-byte block row) at a time:
    /// code = 1 + nonzero − 2·negative, so padding (nonzero bit 0) becomes code 1 (w = 0).
    /// An empty <paramref name="mask"/> means binary: every k &lt; K is nonzero.
    /// </summary>
    private static PackedTernaryCodes Build(int n, int k, float[] scales, bool isBinary,
        ReadOnlySpan<ulong> sign, ReadOnlySpan<ulong> mask, int stride)
    {
        int kPad = RoundUp(k, KAlignment);
        int panels = (n + PanelWidth - 1) / PanelWidth;
        int panelBytes = kPad / 16 * 64;
        var data = new byte[(long)panels * panelBytes];
        // Code 1 (w = 0) everywhere first, so padded outputs contribute nothing.
        data.AsSpan().Fill(0b01_01_01_01);
        var sums = new int[panels * PanelWidth];
        for (int row = 0; row < n; row++)
        {
            int panel = row / PanelWidth, j = row % PanelWidth;
            Span<byte> dst = data.AsSpan(panel * panelBytes, panelBytes);
            ReadOnlySpan<ulong> s = sign.Slice(row * stride, stride);
            int nonzero = 0, negative = 0;
            for (int block = 0; block < kPad / 16; block++)
            {
                int k0 = 16 * block;
                uint s16 = (uint)(s[k0 / 64] >> (k0 % 64)) & 0xFFFF;
                uint m16 = mask.IsEmpty ? ValidBits(k0, k) : (uint)(mask[row * stride + k0 / 64] >> (k0 % 64)) & 0xFFFF;
                nonzero += System.Numerics.BitOperations.PopCount(m16);
                negative += System.Numerics.BitOperations.PopCount(s16);
                for (int t = 0; t < 4; t++)
                {
                    int packed = 0;
                    for (int q = 0; q < 4; q++)
                    {
                        int bit = 4 * q + t;
                        int code = 1 + (int)((m16 >> bit) & 1) - 2 * (int)((s16 >> bit) & 1);
                        packed |= code << (2 * q);
                    }
                    dst[block * 64 + 4 * j + t] = (byte)packed;
                }
            }
            sums[row] = nonzero - 2 * negative;
        }
        return new PackedTernaryCodes(n, k, scales, sums, data, panelBytes, isBinary);
    }

    /// <summary>Bits of the 16-K block at k0 that lie below k.</summary>
    private static uint ValidBits(int k0, int k) => k0 + 16 <= k ? 0xFFFFu : k0 >= k ? 0u : (1u << (k - k0)) - 1;

    private static int WordStride(int k) => Packing.BinaryLayout.RowStrideWords(k);

    private static void CheckPadding(ReadOnlySpan<ulong> row, int k, int rowIndex, string plane, string paramName)
    {
        int words = (k + 63) / 64;
        ulong tail = k % 64 == 0 ? 0 : row[words - 1] >> (k % 64);
        bool bad = tail != 0;
        for (int w = words; w < row.Length && !bad; w++) bad = row[w] != 0;
        if (bad)
        {
            throw new ArgumentException($"{plane} row {rowIndex}: padding bits past k = {k} must be 0.", paramName);
        }
    }
}
