using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>
/// Reports throughput as GMAC/s from the benchmark's <c>Shape</c> parameter ("KxN") and M = 128,
/// so kernels of different widths compare on the same scale (1 MAC = 2 FLOP for SGEMM).
/// </summary>
public sealed class MacsPerSecondColumn : IColumn
{
    /// <summary>Tokens per GEMM in every kernel benchmark.</summary>
    public const int M = 128;

    /// <inheritdoc/>
    public string Id => nameof(MacsPerSecondColumn);
    /// <inheritdoc/>
    public string ColumnName => "GMAC/s";
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => true;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public string Legend => "Multiply-accumulates per second (M·K·N / mean time), in billions";

    /// <summary>Parses "KxN".</summary>
    public static (int K, int N) ParseShape(string shape)
    {
        string[] parts = shape.Split('x');
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || benchmarkCase.Parameters["Shape"] is not string shape) return "-";
        var (k, n) = ParseShape(shape);
        double macs = (double)M * k * n;
        return (macs / stats.Mean).ToString("F2", System.Globalization.CultureInfo.InvariantCulture); // per ns = G per s
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Adds <see cref="MacsPerSecondColumn"/> to a kernel benchmark.</summary>
public sealed class KernelBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public KernelBenchmarkConfig() => AddColumn(new MacsPerSecondColumn());
}
