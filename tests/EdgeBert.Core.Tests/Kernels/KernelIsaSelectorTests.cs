using EdgeBert.Kernels;

namespace EdgeBert.Core.Tests.Kernels;

[Category("Kernels")]
public class KernelIsaSelectorTests
{
    [Test]
    public void ScalarIsAlwaysSupportedAndActiveIsSupported()
    {
        Assert.That(KernelIsaSelector.IsSupported(KernelIsa.Scalar), Is.True);
        Assert.That(KernelIsaSelector.IsSupported(KernelIsaSelector.Active), Is.True);
        Assert.That(KernelIsaSelector.Supported, Does.Contain(KernelIsaSelector.Best));
    }

    [TestCase("scalar", KernelIsa.Scalar)]
    [TestCase(" AVX512 ", KernelIsa.Avx512)]
    [TestCase("neon", KernelIsa.AdvSimd)]
    public void ParsesNames(string text, KernelIsa expected)
    {
        Assert.That(KernelIsaSelector.TryParse(text, out var isa), Is.True);
        Assert.That(isa, Is.EqualTo(expected));
    }

    [Test]
    public void UnknownNameIsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => KernelIsaSelector.Resolve("sse9"));
        Assert.That(ex!.Message, Does.Contain("EDGEBERT_ISA").And.Contain("sse9"));
    }

    [Test]
    public void UnsupportedRequestFallsBackToBest()
    {
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            var resolved = KernelIsaSelector.Resolve(isa.ToString());
            Assert.That(resolved, Is.EqualTo(KernelIsaSelector.IsSupported(isa) ? isa : KernelIsaSelector.Best), isa.ToString());
        }
    }
}

[Category("Kernels")]
public class KernelParallelTests
{
    private struct Mark : CommunityToolkit.HighPerformance.Helpers.IAction
    {
        public int[] Hits;
        public void Invoke(int i) => Interlocked.Increment(ref Hits[i]);
    }

    [TestCase(0, 1)]
    [TestCase(1, 4)]
    [TestCase(97, 1)]
    [TestCase(97, 2)]
    [TestCase(1000, 3)]
    public void EveryIndexRunsExactlyOnce(int count, int threads)
    {
        var work = new Mark { Hits = new int[count] };
        KernelParallel.For(count, threads, minChunk: 8, in work);
        Assert.That(work.Hits, Is.All.EqualTo(1));
    }

    [Test]
    public void OneThreadRunsInlineOnTheCaller()
    {
        int caller = Environment.CurrentManagedThreadId;
        var seen = new ThreadRecorder { Ids = new int[64] };
        KernelParallel.For(64, 1, 1, in seen);
        Assert.That(seen.Ids, Is.All.EqualTo(caller));
    }

    private struct ThreadRecorder : CommunityToolkit.HighPerformance.Helpers.IAction
    {
        public int[] Ids;
        public void Invoke(int i) => Ids[i] = Environment.CurrentManagedThreadId;
    }
}

/// <summary>
/// scripts/test.sh re-runs the kernel tests under instruction-set masks and names the mask in
/// EDGEBERT_EXPECT_MASK; this proves the mask reached the runtime (an ignored variable would
/// silently re-test the widest path).
/// </summary>
[Category("Kernels")]
public class KernelIsaMaskTests
{
    [Test]
    public void TheRequestedMaskIsInEffect()
    {
        var mask = Environment.GetEnvironmentVariable("EDGEBERT_EXPECT_MASK");
        switch (mask)
        {
            case null or "":
                Assert.That(KernelIsaSelector.Supported, Does.Contain(KernelIsa.Scalar), "no mask: nothing to check beyond the scalar path");
                break;
            case "DOTNET_EnableAVX512F":
                Assert.That(KernelIsaSelector.IsSupported(KernelIsa.Avx512), Is.False);
                break;
            case "DOTNET_EnableAVX512v2":
                // AVX-512 VBMI off (AVX-512 itself may stay): W1A1 falls back from the sextet vpermb tile.
                Assert.That(System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported, Is.False);
                Assert.That(EdgeBert.Kernels.Binary.BinaryGemm.Active.PopCountFor(768), Is.Not.EqualTo("vpermb"));
                break;
            case "DOTNET_EnableAVX2":
                Assert.That(KernelIsaSelector.IsSupported(KernelIsa.Avx2), Is.False);
                Assert.That(KernelIsaSelector.IsSupported(KernelIsa.Avx512), Is.False);
                break;
            case "DOTNET_EnableHWIntrinsic":
                Assert.That(KernelIsaSelector.Best, Is.EqualTo(KernelIsa.Scalar));
                break;
            default:
                Assert.Fail($"unknown EDGEBERT_EXPECT_MASK '{mask}'");
                break;
        }
    }
}
