using BenchmarkDotNet.Running;

namespace EdgeBert.Benchmarks;

/// <summary>BenchmarkDotNet entry point: <c>dotnet run -c Release -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line.</summary>
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
