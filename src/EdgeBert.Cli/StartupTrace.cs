using System.Diagnostics;
using System.Globalization;

namespace EdgeBert.Cli;

/// <summary>
/// With <c>EDGEBERT_TRACE_STARTUP=1</c>, prints to standard error how long each start-up phase
/// took (milliseconds since <c>Main</c> and since the previous mark), so a slow start can be
/// pinned on a phase without a profiler (benchmarks/startup.sh times the whole process).
/// </summary>
internal static class StartupTrace
{
    private static readonly bool s_enabled = Environment.GetEnvironmentVariable("EDGEBERT_TRACE_STARTUP") == "1";
    private static long s_start = Stopwatch.GetTimestamp();
    private static long s_last = s_start;

    /// <summary>Restarts the clock (at the top of <c>Main</c>).</summary>
    internal static void Start() => s_start = s_last = Stopwatch.GetTimestamp();

    /// <summary>Records the end of <paramref name="phase"/>.</summary>
    internal static void Mark(string phase)
    {
        if (!s_enabled) return;
        long now = Stopwatch.GetTimestamp();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: {Stopwatch.GetElapsedTime(s_start, now).TotalMilliseconds,7:F2} ms  (+{Stopwatch.GetElapsedTime(s_last, now).TotalMilliseconds:F2})  {phase}  [GCs gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, {GC.GetTotalAllocatedBytes() >> 10} KiB allocated]"));
        s_last = now;
    }
}
