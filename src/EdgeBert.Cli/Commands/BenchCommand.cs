using System.CommandLine;
using System.Globalization;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Benchmarking;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert bench --kernels</c>: every scheme's active GEMM kernel at the BERT-base shapes
/// (M = 128 tokens), one thread by default, with GMAC/s and the ratio to our FP32 SGEMM.
/// A smoke run and a quick comparison (e.g. a NativeAOT binary against the JIT), not a recorded
/// result: those come from BenchmarkDotNet in benchmarks/.
/// </summary>
internal static class BenchCommand
{
    internal static Command Create()
    {
        var kernels = new Option<bool>("--kernels") { Description = "Time the GEMM kernels at the BERT-base shapes." };
        var tokens = new Option<int>("--tokens") { Description = "Rows of the activation matrix (M).", DefaultValueFactory = _ => 128 };
        var threads = new Option<int>("--threads") { Description = "Threads per kernel call.", DefaultValueFactory = _ => 1 };
        var budget = new Option<int>("--budget-ms") { Description = "Time spent calling each kernel per shape.", DefaultValueFactory = _ => 250 };
        var command = new Command("bench", "Measure kernel speed on this machine.") { kernels, tokens, threads, budget };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (!parseResult.GetValue(kernels))
            {
                error.WriteLine("edgebert bench: choose what to measure: --kernels");
                return Program.ExitUsage;
            }
            int m = parseResult.GetValue(tokens), t = parseResult.GetValue(threads), ms = parseResult.GetValue(budget);
            if (m < 1 || t < 1 || ms < 1)
            {
                error.WriteLine("edgebert bench: --tokens, --threads and --budget-ms must be positive");
                return Program.ExitUsage;
            }
            Report(output, m, t, TimeSpan.FromMilliseconds(ms));
            return Program.ExitOk;
        });
        return command;
    }

    private static void Report(TextWriter output, int m, int threads, TimeSpan budget)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"kernel isa: {KernelIsaSelector.Active}; M = {m}; threads = {threads}; runtime: {(System.Runtime.JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT")}");
        output.WriteLine(string.Format(culture, "{0,-16} {1,-14} {2,-11} {3,10} {4,10} {5,9}", "kernel", "path", "K x N", "ms", "GMAC/s", "vs fp32"));
        // One untimed pass first: under the JIT the kernels only reach optimized code after tiered
        // compilation has promoted them, which a short per-kernel warm-up cannot guarantee.
        KernelQuickBench.Run(m, KernelQuickBench.BertBaseShapes[0].K, KernelQuickBench.BertBaseShapes[0].N, budget, threads);
        foreach (var (k, n) in KernelQuickBench.BertBaseShapes)
        {
            var timings = KernelQuickBench.Run(m, k, n, budget, threads);
            double fp32 = timings.Single(r => r.Kernel == "fp32").GigaMacsPerSecond;
            foreach (var r in timings)
            {
                output.WriteLine(string.Format(culture, "{0,-16} {1,-14} {2,-11} {3,10:F3} {4,10:F1} {5,8:F1}x",
                    r.Kernel, r.Implementation, $"{k}x{n}", r.Milliseconds, r.GigaMacsPerSecond, r.GigaMacsPerSecond / fp32));
            }
        }
    }
}
