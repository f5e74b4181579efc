using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>
/// Multiply-accumulates per second of a GEMM benchmark: M·K·N (one MAC per weight and token,
/// 1-bit MACs for W1A1/W2A1, M·K·N multi-bit MACs for the bit-serial kernels) divided by the
/// mean time. Reads the shape from the benchmark's <c>Shape</c> parameter ("KxN") and M from
/// <see cref="BinaryGemmShapes.Tokens"/>.
/// </summary>
public sealed class BinaryMacsColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(BinaryMacsColumn);

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
    public string Legend => "Multiply-accumulates per second (10^9), M·K·N / mean time";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var mean = report?.ResultStatistics?.Mean;
        object? shape = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Shape")?.Value;
        if (mean is null || mean <= 0 || shape is not string text) return "NA";
        var (k, n) = BinaryGemmShapes.Parse(text);
        double macs = (double)BinaryGemmShapes.Tokens * k * n;
        return (macs / mean.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>BERT-base GEMM shapes: M = 128 tokens; K×N of the attention projections and the FFN.</summary>
public static class BinaryGemmShapes
{
    /// <summary>Tokens (sequence length 128, batch 1).</summary>
    public const int Tokens = 128;

    /// <summary>K×N: attention projection, FFN in, FFN out.</summary>
    public static IEnumerable<string> All => ["768x768", "768x3072", "3072x768"];

    /// <summary>Parses "KxN".</summary>
    public static (int K, int N) Parse(string shape)
    {
        string[] parts = shape.Split('x');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
