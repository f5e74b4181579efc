namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// Splits independent rows over <see cref="TrainerThreads.Count"/> threads. Each row is written by
/// exactly one thread in a fixed order, so results do not depend on the thread count.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Below this many scalar operations a loop stays on the calling thread.</summary>
    private const long MinWorkPerThread = 32 * 1024;

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, rows) in contiguous chunks.</summary>
    /// <param name="rows">Number of independent rows.</param>
    /// <param name="costPerRow">Approximate scalar operations per row, to avoid tiny tasks.</param>
    /// <param name="body">Processes rows [start, end).</param>
    public static void For(int rows, long costPerRow, Action<int, int> body)
    {
        if (rows <= 0) return;
        int threads = TrainerThreads.Count;
        long total = rows * Math.Max(1, costPerRow);
        int chunks = (int)Math.Min(Math.Min(threads, rows), Math.Max(1, total / MinWorkPerThread));
        if (chunks <= 1)
        {
            body(0, rows);
            return;
        }

        int perChunk = (rows + chunks - 1) / chunks;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int start = c * perChunk;
            int end = Math.Min(rows, start + perChunk);
            if (start < end) body(start, end);
        });
    }
}
