using System.Diagnostics;
using System.Text.Json.Serialization;

namespace EdgeBert.Peers;

/// <summary>Wall-clock times of repeated calls, in milliseconds per call.</summary>
/// <param name="MedianMs">Median over the timed calls.</param>
/// <param name="MinMs">Fastest call.</param>
/// <param name="MaxMs">Slowest call.</param>
/// <param name="Runs">Timed calls (after the warm-up).</param>
/// <param name="CpuPerWall">Process CPU seconds per wall second while timing: about the number of busy threads.</param>
internal sealed record Timing(
    [property: JsonPropertyName("median_ms")] double MedianMs,
    [property: JsonPropertyName("min_ms")] double MinMs,
    [property: JsonPropertyName("max_ms")] double MaxMs,
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("cpu_per_wall")] double CpuPerWall)
{
    /// <summary>
    /// Calls <paramref name="action"/> until <paramref name="warmups"/> calls and
    /// <paramref name="warmup"/> of time have passed (the JIT promotes hot methods to optimized code
    /// on a timer, so a count alone is not enough), then times <paramref name="runs"/> calls.
    /// </summary>
    internal static Timing Measure(Action action, int warmups, TimeSpan warmup, int runs)
    {
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        for (int i = 0; i < warmups || Stopwatch.GetTimestamp() < warmupEnd; i++) action();
        var samples = new double[runs];
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long wallStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double cpuPerWall = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds / Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        Array.Sort(samples);
        double median = runs % 2 == 1 ? samples[runs / 2] : (samples[runs / 2 - 1] + samples[runs / 2]) / 2;
        return new Timing(median, samples[0], samples[^1], runs, cpuPerWall);
    }
}

/// <summary>How many calls each measurement makes (command-line options of the engines).</summary>
/// <param name="Runs">Timed single-sequence calls.</param>
/// <param name="BatchRuns">Timed passes over the whole batch, per strategy.</param>
/// <param name="Warmup">Least warm-up time of the single-sequence measurement.</param>
internal sealed record RunCounts(int Runs, int BatchRuns, TimeSpan Warmup);
