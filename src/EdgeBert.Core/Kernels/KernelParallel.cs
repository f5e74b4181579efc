using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels;

/// <summary>
/// Splits kernel work over output panels. The thread count is always the caller's: 1 runs
/// inline on the calling thread and touches no pool thread at all.
/// </summary>
public static class KernelParallel
{
    /// <summary>
    /// Runs <paramref name="work"/> for every index in [0, <paramref name="count"/>), on at most
    /// <paramref name="threads"/> threads, giving each at least <paramref name="minChunk"/> indices.
    /// </summary>
    /// <typeparam name="TWork">A struct work item, so the loop body is inlined per kernel.</typeparam>
    public static void For<TWork>(int count, int threads, int minChunk, in TWork work)
        where TWork : struct, IAction
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (count == 0) return;
        minChunk = Math.Max(1, minChunk);

        // Enough indices per thread that at most `threads` batches exist.
        int perThread = Math.Max(minChunk, (count + threads - 1) / threads);
        if (threads == 1 || perThread >= count)
        {
            for (int i = 0; i < count; i++) work.Invoke(i);
            return;
        }

        ParallelHelper.For(0, count, in work, perThread);
    }
}
