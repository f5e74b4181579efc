using System.CommandLine;
using System.Globalization;
using EdgeBert.Cli.Bench;
using EdgeBert.Cli.Parsing;
using EdgeBert.Encoder;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Benchmarking;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert bench --kernels --e2e</c>: every scheme's active GEMM kernel at the BERT-base shapes
/// (M = 128 tokens) with GMAC/s and the ratio to our FP32 SGEMM, and the end-to-end latency of
/// classifying one text with a random model of each scheme (BERT-base widths). One thread by
/// default. A smoke run and a quick comparison (e.g. a NativeAOT binary against the JIT), not a
/// recorded result: those come from BenchmarkDotNet in benchmarks/.
/// </summary>
internal static class BenchCommand
{
    // Bounds that keep a typo from allocating gigabytes or running for days.
    private const int MaxTokens = 4096, MaxLayers = 48, MaxBudgetMs = 600_000;

    internal static Command Create()
    {
        var kernels = new Option<bool>("--kernels") { Description = "Time the GEMM kernels at the BERT-base shapes." };
        var e2e = new Option<bool>("--e2e") { Description = "Time classify end to end on a random model of each scheme (BERT-base widths)." };
        var tokens = new Option<int>("--tokens") { Description = "Tokens per text (the M of the GEMMs).", DefaultValueFactory = _ => 128 }.Within(1, MaxTokens);
        var layers = new Option<int>("--layers") { Description = "With --e2e: encoder layers of the random models (BERT-base has 12).", DefaultValueFactory = _ => 2 }.Within(1, MaxLayers);
        var threads = new Option<int>("--threads") { Description = "Threads per kernel call.", DefaultValueFactory = _ => 1 }.Within(1, SessionOptions.MaxThreads);
        var budget = new Option<int>("--budget-ms") { Description = "Time spent per kernel shape, and per scheme with --e2e.", DefaultValueFactory = _ => 250 }.Within(1, MaxBudgetMs);
        var command = new Command("bench", "Measure kernel speed and end-to-end latency on this machine.") { kernels, e2e, tokens, layers, threads, budget };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            bool runKernels = parseResult.GetValue(kernels), runE2e = parseResult.GetValue(e2e);
            if (!runKernels && !runE2e)
            {
                error.WriteLine("edgebert bench: choose what to measure: --kernels, --e2e or both");
                return Program.ExitUsage;
            }
            int m = parseResult.GetValue(tokens), t = parseResult.GetValue(threads), ms = parseResult.GetValue(budget), l = parseResult.GetValue(layers);
            if (m < 1 || t < 1 || ms < 1 || l < 1)
            {
                error.WriteLine("edgebert bench: --tokens, --layers, --threads and --budget-ms must be positive");
                return Program.ExitUsage;
            }
            if (runE2e && m < 2)
            {
                error.WriteLine("edgebert bench: --e2e needs --tokens of at least 2 ([CLS] and [SEP])");
                return Program.ExitUsage;
            }
            output.WriteLine($"kernel isa: {KernelIsaSelector.Active}; M = {m}; threads = {t}; runtime: {(BuildInfo.IsNativeAot ? "NativeAOT" : "JIT")}");
            if (runKernels) ReportKernels(output, m, t, TimeSpan.FromMilliseconds(ms));
            if (runE2e) ReportEndToEnd(output, m, l, t, TimeSpan.FromMilliseconds(ms));
            return Program.ExitOk;
        });
        return command;
    }

    private static void ReportKernels(TextWriter output, int m, int threads, TimeSpan budget)
    {
        var culture = CultureInfo.InvariantCulture;
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

    private static void ReportEndToEnd(TextWriter output, int tokens, int layers, int threads, TimeSpan budget)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"end to end: classify one text of {tokens} tokens, random model with {layers} layers of hidden 768, ffn 3072, 12 heads (tokenizer, encoder, pooler, head)");
        output.WriteLine(string.Format(culture, "{0,-8} {1,12} {2,12} {3,12} {4,8} {5,9} {6,13}", "scheme", "median ms", "min ms", "ms/layer", "runs", "vs fp32", "model bytes"));
        double fp32 = 0;
        foreach (var scheme in LinearSchemes.All)
        {
            var r = EndToEndBench.Run(scheme, layers, tokens, threads, budget);
            if (scheme == LinearScheme.Fp32) fp32 = r.MedianMs;
            output.WriteLine(string.Format(culture, "{0,-8} {1,12:F3} {2,12:F3} {3,12:F3} {4,8} {5,8:F1}x {6,13:N0}",
                LinearSchemes.Name(scheme), r.MedianMs, r.MinMs, r.MedianMs / layers, r.Runs, fp32 / r.MedianMs, r.ModelBytes));
        }
    }
}
