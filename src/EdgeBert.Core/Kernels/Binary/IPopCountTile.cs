namespace EdgeBert.Kernels.Binary;

/// <summary>
/// Pointers of one micro-kernel call: up to 4 activation rows (canonical binary rows, or bit
/// planes) and up to 3 weight panels (<see cref="Packing.PackedBinaryWeights"/> layout). A tile
/// smaller than the micro-kernel repeats its last row or panel; the extra results land in the
/// caller's slack and are ignored.
/// </summary>
internal unsafe struct TileOperands
{
    public ulong* A0, A1, A2, A3;
    public ulong* W0, W1, W2;
}

/// <summary>
/// A popcount micro-kernel for one instruction set: for Rows activation rows × Panels·8 output
/// rows it computes count[r, n] = Σ_k popcount(op(a_r[k], w_n[k])), keeping the accumulators in
/// registers (lane-per-output: one vector lane per output row, KERNELS.md lesson 2).
/// </summary>
internal unsafe interface IPopCountTile
{
    /// <summary>Activation rows per call.</summary>
    static abstract int Rows { get; }

    /// <summary>8-row weight panels per call.</summary>
    static abstract int Panels { get; }

    /// <summary>Whether this process can execute the micro-kernel's intrinsics.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// Writes counts[r · countStride + p · 8 + lane] for r &lt; Rows, p &lt; Panels, over
    /// <paramref name="kWords"/> 64-bit K-words.
    /// </summary>
    static abstract void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp;
}
