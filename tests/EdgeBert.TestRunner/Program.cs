using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Security;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Integer;
using NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace EdgeBert.TestRunner;

/// <summary>
/// Entry point: loads EdgeBert.Core.Tests, runs the selected tests with NUnit's own runner and
/// prints one summary line; exit 0 only when every selected test passed (skips allowed, except
/// for tests naming the required kernel family) and at least one ran.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        RunnerOptions options;
        try
        {
            if (args is ["--help"] or ["-h"]) { Console.WriteLine(RunnerOptions.Usage); return 0; }
            options = RunnerOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"edgebert-test-runner: {e.Message}\n{RunnerOptions.Usage}");
            return 2;
        }

        var assembly = typeof(EdgeBert.Core.Tests.Kernels.KernelIsaSelectorTests).Assembly;
        var settings = new Dictionary<string, object>();
        if (options.Workers is { } workers) settings[FrameworkPackageSettings.NumberOfTestWorkers] = workers;
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        runner.Load(assembly, settings);
        ITestFilter filter = BuildFilter(options);

        Console.WriteLine($"runner: {RuntimeInformation.RuntimeIdentifier}, {RuntimeInformation.ProcessArchitecture}, " +
            $"{Environment.ProcessorCount} processors; kernel families supported: {string.Join(", ", KernelIsaSelector.Supported)}; " +
            $"{runner.CountTestCases(filter)} test cases selected");
        if (KernelIsaSelector.IsSupported(KernelIsa.AdvSimd))
        {
            // On ARM the integer GEMMs of the AdvSimd family are SDOT panels only with the dot-product extension.
            Console.WriteLine($"runner: arm64 dotprod {(Dp.IsSupported ? "yes" : "no")}: the AdvSimd family's W8A8/W2A8 GEMMs run " +
                $"{(Dp.IsSupported ? "the SDOT panels" : "the portable Vector128 panels")} " +
                $"(Isa {Int8Gemm.Create(KernelIsa.AdvSimd).Isa}/{TernaryGemm.Create(KernelIsa.AdvSimd).Isa})");
        }

        var tally = new ResultTally(Console.Out, options.RequiredIsa);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < options.Repeat; round++) runner.Run(tally, filter);
        clock.Stop();

        Console.WriteLine($"runner: {tally.Passed} passed, {tally.Failed} failed, {tally.Skipped} skipped in {clock.Elapsed.TotalSeconds:F0} s");
        tally.WriteSkipSummary();
        tally.WriteSlowestFixtures(options.Slowest);
        int failed = tally.Failed;
        if (options.RequiredIsa is { } isa)
        {
            Console.WriteLine($"runner: {tally.RequiredIsaPassed} {isa} kernel tests ran and passed");
            if (tally.RequiredIsaPassed == 0)
            {
                Console.WriteLine($"FAIL no test naming {isa} ran");
                failed++;
            }
        }
        if (options.CountsFile is { } counts) File.WriteAllText(counts, $"{tally.Passed} {failed}\n");
        return failed == 0 && tally.Passed > 0 ? 0 : 1;
    }

    /// <summary>An OR of the categories, namespaces and name pattern; every test when none is given.</summary>
    private static ITestFilter BuildFilter(RunnerOptions options)
    {
        var parts = options.Categories.Select(c => $"<cat>{SecurityElement.Escape(c)}</cat>")
            .Concat(options.Namespaces.Select(n => $"<namespace>{SecurityElement.Escape(n)}</namespace>"))
            .Concat(options.NamePattern is { } re ? [$"<test re=\"1\">{SecurityElement.Escape(re)}</test>"] : [])
            .ToList();
        return parts.Count == 0 ? TestFilter.Empty : TestFilter.FromXml($"<filter><or>{string.Concat(parts)}</or></filter>");
    }
}
