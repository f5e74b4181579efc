using EdgeBert.Cli.Bench;

namespace EdgeBert.Cli.Tests.Bench;

/// <summary>The quick harness runs every scheme on odd shapes; it asserts structure, never speed.</summary>
[Category("Kernels")]
public class KernelQuickBenchTests
{
    [TestCase(3, 65, 17)]
    [TestCase(1, 1, 1)]
    public void EverySchemeIsTimedOnce(int m, int k, int n)
    {
        var timings = KernelQuickBench.Run(m, k, n, TimeSpan.FromMilliseconds(1));
        Assert.That(timings.Select(t => t.Kernel), Is.EqualTo(new[]
            { "fp32", "w8a8", "w2a8", "w1a8-vnni", "w1a8-bitserial", "w1a4-bitserial", "w2a1", "w1a1", "w1a1-lookup", "w1a1-harleyseal", "w1a1-sextet" }));
        foreach (var t in timings)
        {
            Assert.That(t.Milliseconds, Is.GreaterThan(0), t.Kernel);
            Assert.That(t.Macs, Is.EqualTo((long)m * k * n), t.Kernel);
            Assert.That(t.Implementation, Is.Not.Empty, t.Kernel);
        }
    }

    [Test]
    public void BadShapesAreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelQuickBench.Run(0, 8, 8, TimeSpan.Zero));
}
