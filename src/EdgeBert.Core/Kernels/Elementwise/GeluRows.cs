using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// <see cref="Gelu.Apply"/> over a [rows, width] matrix with the rows split over threads. Each
/// block of rows is one <see cref="Gelu.Apply"/> call; a call picks its vector width from its
/// length alone (the widest that fits), so rows are only split when a row already fills the
/// widest vector: every element then goes through the same code as in one call over everything.
/// </summary>
public static unsafe class GeluRows
{
    /// <summary>Rows per work item.</summary>
    private const int RowBlock = 8;

    /// <summary>In place: x ← gelu(x) over <paramref name="rows"/> rows of <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">The span is shorter than its shape.</exception>
    public static void Apply(Span<float> x, int rows, int width, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        RowChecks.Matrix(x.Length, rows, width, nameof(x));
        Span<float> all = x.Slice(0, rows * width);
        if (threads == 1 || rows <= RowBlock || width < 64)
        {
            Gelu.Apply(all, all);
            return;
        }
        fixed (float* p = all)
        {
            var work = new BlockWork { X = p, Rows = rows, Width = width };
            KernelParallel.For((rows + RowBlock - 1) / RowBlock, threads, minChunk: 1, in work);
        }
    }

    private struct BlockWork : IAction
    {
        public float* X;
        public int Rows, Width;

        public readonly void Invoke(int block)
        {
            int first = block * RowBlock, count = Math.Min(RowBlock, Rows - first);
            var span = new Span<float>(X + (long)first * Width, count * Width);
            Gelu.Apply(span, span);
        }
    }
}
