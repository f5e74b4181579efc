using System.Security.Cryptography;
using System.Text;

namespace EdgeBert.Trainer.Data;

/// <summary>
/// Deterministic assignment of examples to splits by a stable hash of a key (a message id, a file
/// name): SHA-256 of the UTF-8 key, first 8 bytes little-endian, modulo 10 000 basis points. The
/// assignment depends on nothing but the key, so it is the same on every machine, run and .NET
/// version, and adding examples never moves existing ones between splits.
/// </summary>
public static class DataSplitter
{
    /// <summary>Returns the split of <paramref name="key"/> for the given dev and test fractions.</summary>
    /// <param name="key">The stable identity of the example.</param>
    /// <param name="devFraction">Fraction of examples for dev, in [0, 1].</param>
    /// <param name="testFraction">Fraction of examples for test, in [0, 1]; dev + test ≤ 1.</param>
    public static DataSplit Assign(string key, double devFraction = 0.1, double testFraction = 0.1)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (devFraction is < 0 or > 1 || testFraction is < 0 or > 1 || devFraction + testFraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(devFraction),
                $"Split fractions must lie in [0, 1] and sum to at most 1 (dev {devFraction}, test {testFraction}).");
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);
        ulong bucket = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest) % 10_000;
        double u = bucket / 10_000.0;
        if (u < testFraction)
        {
            return DataSplit.Test;
        }
        return u < testFraction + devFraction ? DataSplit.Dev : DataSplit.Train;
    }
}
