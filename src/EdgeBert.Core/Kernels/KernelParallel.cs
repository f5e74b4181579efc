using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels;

/// <summary>
/// Splits kernel work over output panels. The thread count is always the caller's: 1 runs
/// inline on the calling thread and touches no other thread at all; N runs on exactly the
/// caller plus N − 1 persistent workers of one process-wide <see cref="KernelWorkerSet"/>, the
/// same threads for every step of a forward pass (no thread-pool fork-join per step).
/// </summary>
/// <remarks>
/// Indices are claimed in grains from a shared counter, so a descheduled worker delays the
/// step by at most one grain. Each index writes its own outputs, so which thread runs it does
/// not change any result. A call made from inside a parallel step (a worker, or the caller
/// while it takes part) runs inline. Allocates nothing per call once the workers exist.
/// </remarks>
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

        // Enough indices per thread that at most `threads` participants exist.
        int perThread = Math.Max(minChunk, (count + threads - 1) / threads);
        if (threads == 1 || perThread >= count || KernelWorkerSet.InStep)
        {
            for (int i = 0; i < count; i++) work.Invoke(i);
            return;
        }
        int participants = (count + perThread - 1) / perThread;
        // Grains of about a sixteenth of a participant's share (at least minChunk) balance a slow thread.
        int grain = Math.Max(minChunk, (count + 16 * participants - 1) / (16 * participants));
        KernelWorkerSet.Shared.Run(count, grain, participants - 1, in work);
    }

    /// <summary>Runs indices [start, end) of the work item at <paramref name="work"/> (a TWork on the caller's stack).</summary>
    internal static unsafe void RunRange<TWork>(void* work, int start, int end)
        where TWork : struct, IAction
    {
        ref TWork item = ref Unsafe.AsRef<TWork>(work);
        for (int i = start; i < end; i++) item.Invoke(i);
    }
}
