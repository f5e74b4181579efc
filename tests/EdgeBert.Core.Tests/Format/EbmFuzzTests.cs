using System.Buffers.Binary;
using System.Diagnostics;
using EdgeBert.Format;
using static EdgeBert.Core.Tests.Format.EbmTestModels;

namespace EdgeBert.Core.Tests.Format;

/// <summary>
/// Mutated files must either load (and every tensor read) or raise <see cref="ModelFormatException"/>:
/// never another exception, a crash or a hang. Half the byte-level mutations are resealed
/// (checksums recomputed) so they reach the structural checks instead of stopping at a CRC.
/// </summary>
public class EbmFuzzTests
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("EDGEBERT_FUZZ_SEED"), out int s) ? s : 1234;

    /// <summary>EDGEBERT_FUZZ_SCALE=N multiplies the random mutations for a deeper run (default 1: under 60 s).</summary>
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("EDGEBERT_FUZZ_SCALE"), out int n) && n > 0 ? n : 1;

    private sealed class Tally
    {
        public int Loaded, Rejected;
        public int Total => Loaded + Rejected;

        /// <summary>Rejections by kind (the message with numbers and quoted names removed), to show how deep the mutations reach.</summary>
        public Dictionary<string, int> Reasons { get; } = [];
    }

    private static void Judge(byte[] bytes, string mutation, Tally tally)
    {
        try
        {
            using var file = EbmFile.Load(bytes, "fuzz.ebm");
            TouchAll(file);
            tally.Loaded++;
        }
        catch (ModelFormatException ex)
        {
            if (!ex.Message.StartsWith("fuzz.ebm: ", StringComparison.Ordinal) || ex.Where.Length == 0)
            {
                Assert.Fail($"{mutation} (seed {Seed}): message lacks the file name or location: {ex.Message}");
            }
            tally.Rejected++;
            string reason = System.Text.RegularExpressions.Regex.Replace(ex.What, @"'[^']*'|0x[0-9A-F]+|\d+", "#");
            reason = reason.Length > 60 ? reason[..60] : reason;
            tally.Reasons[reason] = tally.Reasons.GetValueOrDefault(reason) + 1;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{mutation} (seed {Seed}): {ex.GetType().Name} instead of ModelFormatException: {ex}");
        }
    }

    [Test]
    public void TenThousandMutatedFilesLoadOrFailCleanly()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(Seed);
        byte[] valid = AllDTypes(seed: 9).ToArray();
        var tally = new Tally();

        // 1. Truncation at every prefix.
        for (int length = 0; length < valid.Length; length++) Judge(valid[..length], $"truncated to {length} bytes", tally);

        // 2. Random byte flips, raw and resealed.
        for (int i = 0; i < 3000 * Scale; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int flips = random.Next(1, 5);
            var positions = new List<int>();
            for (int f = 0; f < flips; f++)
            {
                int at = random.Next(bytes.Length);
                bytes[at] ^= (byte)random.Next(1, 256);
                positions.Add(at);
            }
            bool reseal = i % 2 == 1;
            if (reseal) EbmParts.ResealSections(bytes);
            Judge(bytes, $"flip #{i} at [{string.Join(", ", positions)}]{(reseal ? " resealed" : "")}", tally);
        }

        // 3. Structured defects in well-sealed files.
        for (int i = 0; i < 3500 * Scale; i++)
        {
            var parts = EbmParts.FromValidCached(valid);
            string what = EbmMutations.Structured(parts, random);
            byte[] bytes;
            try
            {
                bytes = parts.Build();
            }
            catch (Exception ex) when (ex is OverflowException or ArgumentException)
            {
                continue; // the mutation cannot even be encoded (e.g. name longer than 65535 bytes)
            }
            Judge(bytes, $"structured #{i}: {what}", tally);
        }

        // 4. Absurd header fields (resealed).
        ulong[] absurd = [0, 1, 63, 64, 127, 128, (ulong)valid.Length, (ulong)valid.Length + 1, int.MaxValue, uint.MaxValue, long.MaxValue, ulong.MaxValue, ulong.MaxValue - 63];
        for (int field = 20; field < 88; field += 4)
        {
            foreach (ulong value in absurd)
            {
                byte[] bytes = (byte[])valid.Clone();
                if (field == 20) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), (uint)value);
                else if (field % 8 == 0) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(field), value);
                else continue;
                EbmParts.ResealSections(bytes);
                Judge(bytes, $"header field {field} = {value}", tally);
            }
        }

        clock.Stop();
        TestContext.Out.WriteLine($"{tally.Total} mutated files: {tally.Loaded} loaded, {tally.Rejected} rejected, {clock.Elapsed.TotalSeconds:F1} s (seed {Seed})");
        foreach (var (reason, count) in tally.Reasons.OrderByDescending(r => r.Value)) TestContext.Out.WriteLine($"{count,7}  {reason}");
        Assert.That(tally.Total, Is.GreaterThanOrEqualTo(10_000));
        Assert.That(tally.Reasons, Has.Count.GreaterThan(30), "mutations must reach many different checks, not only checksums");
        Assert.That(tally.Rejected, Is.GreaterThan(tally.Total / 2), "most mutations must be caught");
        Assert.That(tally.Loaded, Is.GreaterThan(0), "some mutations are harmless (e.g. float bits in resealed data) and must load");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60 * Scale)));
    }

    [Test]
    public void MutatedRealFilesThroughOpen()
    {
        var random = new Random(Seed + 1);
        byte[] valid = AllDTypes(seed: 9).ToArray();
        string dir = Path.Combine(Path.GetTempPath(), $"edgebert-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            int rejected = 0;
            for (int i = 0; i < 40; i++)
            {
                byte[] bytes = i % 4 == 0 ? valid[..random.Next(valid.Length)] : (byte[])valid.Clone();
                if (i % 4 != 0)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                    if (i % 2 == 1) EbmParts.ResealSections(bytes);
                }
                string path = Path.Combine(dir, $"m{i}.ebm");
                File.WriteAllBytes(path, bytes);
                try
                {
                    using var file = EbmFile.Open(path);
                    TouchAll(file);
                }
                catch (ModelFormatException ex)
                {
                    Assert.That(ex.Message, Does.StartWith(path + ": "), $"mutation {i}, seed {Seed + 1}");
                    rejected++;
                }
                File.Delete(path); // the mapping is gone: deleting must work
            }
            Assert.That(rejected, Is.GreaterThan(20));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
