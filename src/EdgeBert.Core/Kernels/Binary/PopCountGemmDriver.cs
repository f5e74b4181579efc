using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// What a popcount GEMM does with a finished block of counts: scale to floats, or compare
/// with thresholds and write packed sign bits. Counts are token-major, RowsPerToken rows per
/// token (one per activation bit plane), one column per output.
/// </summary>
internal unsafe interface IPopCountEpilogue
{
    /// <summary>
    /// Consumes counts[(t · rowsPerToken + plane) · countStride + j] for tokens
    /// [token0, token0 + tokenCount) and outputs [n0, n0 + nCount), j = n − n0.
    /// </summary>
    void Apply(int token0, int tokenCount, int n0, int nCount, int* counts, int countStride);
}

/// <summary>
/// The one driver of the SIMD popcount GEMMs: splits the product into work items of
/// <see cref="TokenBlock"/> tokens × <see cref="GroupPanels"/> weight panels, runs the
/// instruction set's micro-kernel over each item and hands the counts to the epilogue.
/// Items iterate tokens fastest, so one group of weight panels stays in L1 while all tokens
/// pass over it.
/// </summary>
internal static unsafe class PopCountGemmDriver
{
    /// <summary>Tokens per work item.</summary>
    public const int TokenBlock = 4;

    /// <summary>Weight panels (of 8 outputs) per work item: a multiple of every tile's Panels (1, 3).</summary>
    public const int GroupPanels = 6;

    /// <summary>Most activation rows per token (8 bit planes).</summary>
    public const int MaxRowsPerToken = 8;

    private const int CountStride = GroupPanels * 8;
    private const int MaxRows = TokenBlock * MaxRowsPerToken;

    /// <summary>
    /// Runs count[row, n] = Σ_k popcount(op(a_row, w_n)) over all tokens and outputs.
    /// </summary>
    /// <param name="activations">Rows of <paramref name="activationStride"/> words; token t's rows are t·rowsPerToken ….</param>
    /// <param name="activationStride">Words between activation rows.</param>
    /// <param name="rowsPerToken">1, or the number of bit planes.</param>
    /// <param name="tokens">M.</param>
    /// <param name="weights">Panels, KWords · 8 · planes words each.</param>
    /// <param name="kWords">K-words per row.</param>
    /// <param name="panelCount">ceil(N / 8).</param>
    /// <param name="n">N.</param>
    /// <param name="epilogue">Consumer of each finished block.</param>
    /// <param name="threads">Caller's thread count.</param>
    public static void Run<TTile, TOp, TEpilogue>(
        ulong* activations, int activationStride, int rowsPerToken, int tokens,
        ulong* weights, int kWords, int panelCount, int n, in TEpilogue epilogue, int threads)
        where TTile : struct, IPopCountTile
        where TOp : struct, IBitwiseOp
        where TEpilogue : struct, IPopCountEpilogue
    {
        if (tokens == 0) return;
        int tokenBlocks = (tokens + TokenBlock - 1) / TokenBlock;
        int panelGroups = (panelCount + GroupPanels - 1) / GroupPanels;
        var work = new Work<TTile, TOp, TEpilogue>
        {
            Activations = activations,
            ActivationStride = activationStride,
            RowsPerToken = rowsPerToken,
            Tokens = tokens,
            Weights = weights,
            KWords = kWords,
            PanelCount = panelCount,
            N = n,
            TokenBlocks = tokenBlocks,
            Epilogue = epilogue,
        };
        KernelParallel.For(tokenBlocks * panelGroups, threads, minChunk: 4, in work);
    }

    private struct Work<TTile, TOp, TEpilogue> : IAction
        where TTile : struct, IPopCountTile
        where TOp : struct, IBitwiseOp
        where TEpilogue : struct, IPopCountEpilogue
    {
        public ulong* Activations;
        public int ActivationStride, RowsPerToken, Tokens;
        public ulong* Weights;
        public int KWords, PanelCount, N, TokenBlocks;
        public TEpilogue Epilogue;

        [SkipLocalsInit]
        public readonly void Invoke(int index)
        {
            int group = index / TokenBlocks, block = index - group * TokenBlocks;
            int token0 = block * TokenBlock, tokenCount = Math.Min(TokenBlock, Tokens - token0);
            int panel0 = group * GroupPanels, panels = Math.Min(GroupPanels, PanelCount - panel0);
            int rows = tokenCount * RowsPerToken, row0 = token0 * RowsPerToken;
            long panelWords = (long)KWords * 8 * TOp.WeightPlanes;

            // Slack: a partial tile writes up to its full Rows × Panels; MaxRows and GroupPanels
            // are multiples of every tile's shape, so those writes stay inside the buffer.
            int* counts = stackalloc int[MaxRows * CountStride];
            TileOperands t;
            for (int r = 0; r < rows; r += TTile.Rows)
            {
                t.A0 = Row(row0 + r);
                t.A1 = Row(row0 + Math.Min(r + 1, rows - 1));
                t.A2 = Row(row0 + Math.Min(r + 2, rows - 1));
                t.A3 = Row(row0 + Math.Min(r + 3, rows - 1));
                for (int p = 0; p < panels; p += TTile.Panels)
                {
                    t.W0 = Weights + (panel0 + p) * panelWords;
                    t.W1 = Weights + (panel0 + Math.Min(p + 1, panels - 1)) * panelWords;
                    t.W2 = Weights + (panel0 + Math.Min(p + 2, panels - 1)) * panelWords;
                    TTile.Run<TOp>(in t, KWords, counts + r * CountStride + p * 8, CountStride);
                }
            }
            int n0 = panel0 * 8;
            Epilogue.Apply(token0, tokenCount, n0, Math.Min(panels * 8, N - n0), counts, CountStride);
        }

        private readonly ulong* Row(int row) => Activations + (long)row * ActivationStride;
    }
}
