using System.Buffers;
using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance.Helpers;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>One product of an <see cref="XorTableGemmDriver"/> step: a weight matrix's 64-output panels, its N and its epilogue.</summary>
internal unsafe struct XorTableProduct<TEpilogue>
    where TEpilogue : struct, IPopCountEpilogue
{
    /// <summary>Panels of 64 outputs, sextets · 64 bytes each (<see cref="PackedBinaryWeights.XorTablePanels"/>).</summary>
    public byte* Panels;

    /// <summary>N.</summary>
    public int N;

    /// <summary>Consumer of each finished block.</summary>
    public TEpilogue Epilogue;

    /// <summary>Panels of <see cref="Avx512XorTableTile.Outputs"/> outputs.</summary>
    public readonly int PanelCount => (N + Avx512XorTableTile.Outputs - 1) / Avx512XorTableTile.Outputs;
}

/// <summary>
/// The driver of <see cref="Avx512XorTableTile"/>: up to <see cref="MaxProducts"/> products of
/// one binary input (Bi-Attention's Q, K and V projections share theirs) in one parallel step.
/// The step's first work items stage the input, 8 tokens each, as table offsets
/// (<see cref="SextetLayout.ToTableOffsets"/>); the products' items follow, 8 tokens × 64
/// outputs each, tokens fastest, so one weight panel (sextets × 64 bytes) stays in L1 while all
/// tokens pass over it. An item waits only for its own 8 tokens' staging, which every thread
/// claims before any later item (indices are claimed in increasing order, and a thread runs
/// its grain in order), so staging runs on all threads and costs one pass for all products.
/// Each item's counts go to the same epilogues as the other popcount GEMMs.
/// </summary>
internal static unsafe class XorTableGemmDriver
{
    /// <summary>Most products one step runs on the same input.</summary>
    public const int MaxProducts = 3;

    /// <summary>
    /// Runs count[t, n] = popcount(a_t ⊕ w_n) over all tokens and outputs of every product.
    /// </summary>
    /// <param name="activations">Canonical binary rows (<see cref="BinaryLayout.RowStrideWords"/>(k) words each, padding 0).</param>
    /// <param name="tokens">M.</param>
    /// <param name="k">K (≤ <see cref="Avx512XorTableTile.MaxK"/>), the same for every product.</param>
    /// <param name="products">1 to <see cref="MaxProducts"/> products on this input.</param>
    /// <param name="threads">Caller's thread count.</param>
    public static void Run<TEpilogue>(ulong* activations, int tokens, int k, ReadOnlySpan<XorTableProduct<TEpilogue>> products, int threads)
        where TEpilogue : struct, IPopCountEpilogue
    {
        if (products.IsEmpty || products.Length > MaxProducts) throw new ArgumentException($"1 to {MaxProducts} products per step, not {products.Length}.", nameof(products));
        if (k > Avx512XorTableTile.MaxK) throw new ArgumentOutOfRangeException(nameof(k), $"K {k} exceeds the table tile's {Avx512XorTableTile.MaxK}.");
        if (tokens == 0) return;
        int tokenBlocks = (tokens + Avx512XorTableTile.Tokens - 1) / Avx512XorTableTile.Tokens;
        int sextets = SextetLayout.SextetsPerRow(k);
        ushort[] staged = ArrayPool<ushort>.Shared.Rent(checked(tokens * sextets));
        int[] ready = ArrayPool<int>.Shared.Rent(tokenBlocks);
        try
        {
            Array.Clear(ready, 0, tokenBlocks);
            fixed (ushort* offsets = staged)
            fixed (int* flags = ready)
            {
                var work = new Work<TEpilogue>
                {
                    Activations = activations, CanonicalStride = BinaryLayout.RowStrideWords(k), K = k,
                    Offsets = offsets, Ready = flags, Tokens = tokens, Sextets = sextets, TokenBlocks = tokenBlocks,
                    First = products[0],
                    Second = products.Length > 1 ? products[1] : default,
                    Third = products.Length > 2 ? products[2] : default,
                };
                work.FirstPanels = work.First.PanelCount;
                work.SecondPanels = products.Length > 1 ? work.Second.PanelCount : 0;
                int panels = work.FirstPanels + work.SecondPanels + (products.Length > 2 ? work.Third.PanelCount : 0);
                KernelParallel.For(tokenBlocks + panels * tokenBlocks, threads, minChunk: 2, in work);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ready);
            ArrayPool<ushort>.Shared.Return(staged);
        }
    }

    private struct Work<TEpilogue> : IAction
        where TEpilogue : struct, IPopCountEpilogue
    {
        public ulong* Activations;
        public int CanonicalStride, K;
        public ushort* Offsets;
        /// <summary>Ready[b] = 1 once token block b is staged.</summary>
        public int* Ready;
        public int Tokens, Sextets, TokenBlocks, FirstPanels, SecondPanels;
        public XorTableProduct<TEpilogue> First, Second, Third;

        [SkipLocalsInit]
        public readonly void Invoke(int index)
        {
            if (index < TokenBlocks)
            {
                Stage(index);
                return;
            }
            int item = index - TokenBlocks;
            int panel = item / TokenBlocks, block = item - panel * TokenBlocks;
            WaitStaged(block);
            if (panel < FirstPanels) Count(in First, panel, block);
            else if (panel < FirstPanels + SecondPanels) Count(in Second, panel - FirstPanels, block);
            else Count(in Third, panel - FirstPanels - SecondPanels, block);
        }

        /// <summary>Token block <paramref name="block"/>'s table offsets, then its ready flag (set even on failure, so no item waits forever).</summary>
        [SkipLocalsInit]
        private readonly void Stage(int block)
        {
            try
            {
                ulong* scratch = stackalloc ulong[SextetLayout.WordsPerRow(K)];
                int token0 = block * Avx512XorTableTile.Tokens, end = Math.Min(Tokens, token0 + Avx512XorTableTile.Tokens);
                for (int t = token0; t < end; t++)
                {
                    SextetLayout.ToTableOffsets(Activations + (long)t * CanonicalStride, K, scratch, Offsets + (long)t * Sextets);
                }
            }
            finally
            {
                Volatile.Write(ref Ready[block], 1);
            }
        }

        private readonly void WaitStaged(int block)
        {
            if (Volatile.Read(ref Ready[block]) != 0) return;
            var spin = default(SpinWait);
            while (Volatile.Read(ref Ready[block]) == 0) spin.SpinOnce(sleep1Threshold: -1);
        }

        [SkipLocalsInit]
        private readonly void Count(in XorTableProduct<TEpilogue> product, int panel, int block)
        {
            const int tokensPerItem = Avx512XorTableTile.Tokens, outputs = Avx512XorTableTile.Outputs;
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
            t.W = product.Panels + (long)panel * Sextets * outputs;
            Avx512XorTableTile.Run(in t, Sextets, counts, outputs);
            int n0 = panel * outputs;
            product.Epilogue.Apply(token0, tokenCount, n0, Math.Min(outputs, product.N - n0), counts, outputs);
        }

        /// <summary>Token token0 + i, or the block's last token past its end.</summary>
        private readonly ushort* Row(int token0, int i, int tokenCount) => Offsets + (long)(token0 + Math.Min(i, tokenCount - 1)) * Sextets;
    }
}
