using CommunityToolkit.HighPerformance.Buffers;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// The shared driver of every integer GEMM: stages each token's activations once in the
/// kernel's format (with its Σx), then runs work items of one 16-output panel × up to
/// <see cref="TokensPerItem"/> tokens, the kernel's <see cref="IIntegerPanelKernel.Tokens"/> (4 or 8)
/// per call, so a panel (3–48 KB at BERT sizes) stays in L1 while the tokens stream past it.
/// </summary>
internal sealed unsafe class IntegerGemmDriver<TPanel, TWeights> : IntegerGemmKernel<TWeights>
    where TPanel : struct, IIntegerPanelKernel
    where TWeights : PackedIntegerWeights
{
    private const int TokensPerItem = 64;

    public override KernelIsa Isa => TPanel.Isa;

    public override bool UsesVnni => TPanel.UsesVnni;

    private protected override void Run(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx,
        ReadOnlySpan<float> xScales, ReadOnlySpan<int> xZeroPoints, ReadOnlySpan<float> bias, Span<float> y, int ldy, Span<int> acc, int threads)
    {
        int kPad = weights.KPad, k = weights.K;
        int stagedStride = kPad * TPanel.StagedValueBytes;
        using SpanOwner<byte> staged = SpanOwner<byte>.Allocate(m * stagedStride);
        using SpanOwner<int> sums = SpanOwner<int>.Allocate(m);
        fixed (sbyte* px = x)
        fixed (byte* ps = staged.Span, pw = weights.Data)
        fixed (int* pSums = sums.Span, pAcc = acc, pColSums = weights.ColumnSums, pZp = xZeroPoints)
        fixed (float* pxs = xScales, pb = bias, py = y, pws = weights.Scales)
        {
            for (int i = 0; i < m; i++)
            {
                sbyte* row = px + (long)i * ldx;
                TPanel.Stage(row, k, kPad, ps + (long)i * stagedStride);
                pSums[i] = TPanel.TokenOffset != 0 ? ActivationStaging.Sum(row, k) : 0;
            }
            int tokenBlocks = (m + TokensPerItem - 1) / TokensPerItem;
            var work = new PanelWork
            {
                Weights = pw, PanelBytes = weights.PanelBytes, KPad = kPad, N = weights.N,
                Staged = ps, StagedStride = stagedStride, M = m, TokenBlocks = tokenBlocks,
                TokenSums = pSums, ColumnSums = pColSums, ZeroPoints = xZeroPoints.IsEmpty ? null : pZp, WScales = pws, XScales = pxs,
                Bias = bias.IsEmpty ? null : pb, Y = py, Ldy = ldy, Acc = pAcc,
            };
            KernelParallel.For(weights.Panels * tokenBlocks, threads, 1, in work);
        }
    }

    private struct PanelWork : IAction
    {
        public byte* Weights;
        public byte* Staged;
        public int* TokenSums, ColumnSums, ZeroPoints, Acc;
        public float* WScales, XScales, Bias, Y;
        public int PanelBytes, KPad, N, StagedStride, M, TokenBlocks, Ldy;

        public readonly void Invoke(int index)
        {
            int panel = index / TokenBlocks;
            int tBegin = index % TokenBlocks * TokensPerItem, tEnd = Math.Min(M, tBegin + TokensPerItem);
            int n0 = panel * PackedIntegerWeights.PanelWidth;
            int cols = Math.Min(PackedIntegerWeights.PanelWidth, N - n0);
            int perCall = TPanel.Tokens;
            int* tile = stackalloc int[IIntegerPanelKernel.MaxTokens * PackedIntegerWeights.PanelWidth];
            byte** rows = stackalloc byte*[IIntegerPanelKernel.MaxTokens];
            for (int t0 = tBegin; t0 < tEnd; t0 += perCall)
            {
                int tokens = Math.Min(perCall, tEnd - t0);
                // Missing tokens of the last call re-read token t0; their results are dropped.
                for (int t = 0; t < perCall; t++) rows[t] = Staged + (long)(t < tokens ? t0 + t : t0) * StagedStride;
                TPanel.Run(Weights + (long)panel * PanelBytes, KPad, rows, tile);
                IntegerEpilogue.Apply(tile, tokens, cols, ColumnSums + n0, TPanel.ColumnOffset,
                    TokenSums + t0, TPanel.TokenOffset, ZeroPoints == null ? null : ZeroPoints + t0, WScales + n0, XScales == null ? null : XScales + t0,
                    Bias == null ? null : Bias + n0, Y == null ? null : Y + (long)t0 * Ldy + n0,
                    Acc == null ? null : Acc + (long)t0 * Ldy + n0, Ldy);
            }
        }
    }
}
