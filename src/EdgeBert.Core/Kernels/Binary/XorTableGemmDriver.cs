using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// The driver of <see cref="Avx512XorTableTile"/>: work items of 8 tokens × 64 outputs, tokens
/// fastest, so one weight panel (sextets × 64 bytes) stays in L1 while all tokens pass over it;
/// each item's counts go to the same epilogues as the other popcount GEMMs.
/// </summary>
internal static unsafe class XorTableGemmDriver
{
    /// <summary>
    /// Runs count[t, n] = popcount(a_t ⊕ w_n) over all tokens and outputs.
    /// </summary>
    /// <param name="offsets">Token t's table offsets at offsets + t · offsetStride (<see cref="Packing.SextetLayout.ToTableOffsets"/>).</param>
    /// <param name="offsetStride">Offsets between tokens.</param>
    /// <param name="tokens">M.</param>
    /// <param name="panels">Weight panels of 64 outputs, sextets · 64 bytes each (<see cref="Packing.PackedBinaryWeights.XorTablePanels"/>).</param>
    /// <param name="sextets">Sextets per row (K ≤ <see cref="Avx512XorTableTile.MaxK"/>).</param>
    /// <param name="n">N.</param>
    /// <param name="epilogue">Consumer of each finished block.</param>
    /// <param name="threads">Caller's thread count.</param>
    public static void Run<TEpilogue>(ushort* offsets, int offsetStride, int tokens, byte* panels, int sextets, int n, in TEpilogue epilogue, int threads)
        where TEpilogue : struct, IPopCountEpilogue
    {
        if (tokens == 0) return;
        int tokenBlocks = (tokens + Avx512XorTableTile.Tokens - 1) / Avx512XorTableTile.Tokens;
        int panelCount = (n + Avx512XorTableTile.Outputs - 1) / Avx512XorTableTile.Outputs;
        var work = new Work<TEpilogue>
        {
            Offsets = offsets, OffsetStride = offsetStride, Tokens = tokens, Panels = panels,
            Sextets = sextets, N = n, TokenBlocks = tokenBlocks, Epilogue = epilogue,
        };
        KernelParallel.For(tokenBlocks * panelCount, threads, minChunk: 2, in work);
    }

    private struct Work<TEpilogue> : IAction
        where TEpilogue : struct, IPopCountEpilogue
    {
        public ushort* Offsets;
        public int OffsetStride, Tokens;
        public byte* Panels;
        public int Sextets, N, TokenBlocks;
        public TEpilogue Epilogue;

        [SkipLocalsInit]
        public readonly void Invoke(int index)
        {
            const int tokensPerItem = Avx512XorTableTile.Tokens, outputs = Avx512XorTableTile.Outputs;
            int panel = index / TokenBlocks, block = index - panel * TokenBlocks;
            int token0 = block * tokensPerItem, tokenCount = Math.Min(tokensPerItem, Tokens - token0);
            int* counts = stackalloc int[tokensPerItem * outputs];
            XorTableOperands t;
            t.A0 = Row(token0, 0, tokenCount);
            t.A1 = Row(token0, 1, tokenCount);
            t.A2 = Row(token0, 2, tokenCount);
            t.A3 = Row(token0, 3, tokenCount);
            t.A4 = Row(token0, 4, tokenCount);
            t.A5 = Row(token0, 5, tokenCount);
            t.A6 = Row(token0, 6, tokenCount);
            t.A7 = Row(token0, 7, tokenCount);
            t.W = Panels + (long)panel * Sextets * outputs;
            Avx512XorTableTile.Run(in t, Sextets, counts, outputs);
            int n0 = panel * outputs;
            Epilogue.Apply(token0, tokenCount, n0, Math.Min(outputs, N - n0), counts, outputs);
        }

        /// <summary>Token token0 + i, or the block's last token past its end.</summary>
        private readonly ushort* Row(int token0, int i, int tokenCount) => Offsets + (long)(token0 + Math.Min(i, tokenCount - 1)) * OffsetStride;
    }
}
