using System.Text;
using EdgeBert.Format;

namespace EdgeBert.Core.Tests.Format;

[Category("Kernels")]
public class Crc32CTests
{
    private static readonly Crc32CPath[] s_paths = Enum.GetValues<Crc32CPath>();

    // Known vectors: the CRC-32C check value, and RFC 3720 (iSCSI) appendix B.4.
    [TestCase("123456789", 0xE3069283u)]
    [TestCase("", 0x00000000u)]
    [TestCase("a", 0xC1D04330u)]
    public void KnownVectors(string text, uint expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.That(Crc32C.Compute(bytes), Is.EqualTo(expected), "dispatching path");
        foreach (var path in s_paths.Where(Crc32C.IsSupported))
        {
            Assert.That(Crc32C.ComputeWith(bytes, path), Is.EqualTo(expected), path.ToString());
        }
    }

    [Test]
    public void Rfc3720Vectors()
    {
        var zeros = new byte[32];
        var ones = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        var ascending = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var descending = Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray();
        foreach (var path in s_paths.Where(Crc32C.IsSupported))
        {
            Assert.That(Crc32C.ComputeWith(zeros, path), Is.EqualTo(0x8A9136AAu), $"{path} zeros");
            Assert.That(Crc32C.ComputeWith(ones, path), Is.EqualTo(0x62A8AB43u), $"{path} ones");
            Assert.That(Crc32C.ComputeWith(ascending, path), Is.EqualTo(0x46DD794Eu), $"{path} ascending");
            Assert.That(Crc32C.ComputeWith(descending, path), Is.EqualTo(0x113FDB5Cu), $"{path} descending");
        }
    }

    [Test]
    public void EveryPathMatchesScalarOnRandomDataOfEveryLengthAndOffset()
    {
        const int seed = 20261122;
        var random = new Random(seed);
        var buffer = new byte[600];
        random.NextBytes(buffer);
        var supported = s_paths.Where(Crc32C.IsSupported).ToArray();
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length <= 520; length++)
            {
                var slice = buffer.AsSpan(offset, length);
                uint expected = Crc32C.ComputeWith(slice, Crc32CPath.Scalar);
                foreach (var path in supported)
                {
                    uint actual = Crc32C.ComputeWith(slice, path);
                    if (actual != expected)
                    {
                        Assert.Fail($"{path} differs from scalar at offset {offset}, length {length}, seed {seed}: 0x{actual:X8} vs 0x{expected:X8}");
                    }
                }
            }
        }
        Assert.That(supported, Does.Contain(Crc32C.Best));
    }

    [Test]
    public void AppendEqualsComputeOfTheConcatenation()
    {
        var random = new Random(7);
        var data = new byte[1000];
        random.NextBytes(data);
        foreach (int split in new[] { 0, 1, 7, 8, 333, 999, 1000 })
        {
            uint appended = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.That(appended, Is.EqualTo(Crc32C.Compute(data)), $"split {split}, seed 7");
        }
    }

    [Test]
    public void InstructionPathIsUsedWhereTheCpuHasIt()
    {
        if (System.Runtime.Intrinsics.X86.Sse42.IsSupported)
        {
            Assert.That(Crc32C.Best, Is.EqualTo(Crc32CPath.Sse42));
        }
        else if (System.Runtime.Intrinsics.Arm.Crc32.IsSupported)
        {
            Assert.That(Crc32C.Best, Is.EqualTo(Crc32CPath.Arm64));
        }
        else
        {
            Assert.That(Crc32C.Best, Is.EqualTo(Crc32CPath.Scalar));
        }
    }

    [Test]
    public void CombineJoinsIndependentlyComputedPieces()
    {
        var random = new Random(11);
        var data = new byte[3000];
        random.NextBytes(data);
        foreach (int split in new[] { 0, 1, 8, 999, 2048, 3000 })
        {
            uint state = 0x12345678u;
            uint whole = Crc32CScalar.Update(state, data);
            uint left = Crc32CScalar.Update(state, data.AsSpan(0, split));
            uint right = Crc32CScalar.Update(0, data.AsSpan(split));
            uint joined = Crc32CCombine.Multiply(Crc32CCombine.ShiftOperator(data.Length - split), left) ^ right;
            Assert.That(joined, Is.EqualTo(whole), $"split {split}, seed 11");
        }
        Assert.That(Crc32CCombine.ShiftOperator(0), Is.EqualTo(1u << 31), "x^0 is the identity");
        Assert.That(Crc32CCombine.Multiply(1u << 31, 0xDEADBEEFu), Is.EqualTo(0xDEADBEEFu));
        Assert.Throws<ArgumentOutOfRangeException>(() => Crc32CCombine.ShiftOperator(-1));
    }

    [Test]
    public void InterleavedChainsMatchScalarAroundTheThresholdAndOnLargeBuffers()
    {
        if (!System.Runtime.Intrinsics.X86.Sse42.X64.IsSupported) Assert.Ignore("needs SSE4.2 on x64");
        var random = new Random(12);
        var buffer = new byte[3 * 1024 * 1024 + 77];
        random.NextBytes(buffer);
        int t = Crc32CSse42.InterleaveThreshold;
        int[] lengths = [24, 25, 47, 48, 100, t - 1, t, t + 1, t + 7, t + 23, t + 24, 65_536 + 5, buffer.Length - 3];
        foreach (int length in lengths)
        {
            for (int offset = 0; offset < 3; offset++)
            {
                var slice = buffer.AsSpan(offset, length);
                uint expected = Crc32CScalar.Update(0xFFFFFFFFu, slice);
                Assert.That(Crc32CSse42.UpdateInterleaved(0xFFFFFFFFu, slice), Is.EqualTo(expected), $"interleaved, length {length}, offset {offset}, seed 12");
                Assert.That(Crc32CSse42.Update(0xFFFFFFFFu, slice), Is.EqualTo(expected), $"dispatch, length {length}, offset {offset}, seed 12");
            }
        }
    }
}
