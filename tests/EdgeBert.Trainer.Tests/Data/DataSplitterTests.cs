using EdgeBert.Trainer.Data;

namespace EdgeBert.Trainer.Tests.Data;

public class DataSplitterTests
{
    // Expected buckets computed independently with Python:
    // int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little") % 10000
    [TestCase("key-2@example.com", DataSplit.Test)]    // bucket 502
    [TestCase("key-40@example.com", DataSplit.Dev)]    // bucket 1649
    [TestCase("key-0@example.com", DataSplit.Train)]   // bucket 9781
    [TestCase("spam-1/00001.txt", DataSplit.Train)]    // bucket 6324
    [TestCase("msg-42@example.org", DataSplit.Test)]   // bucket 378
    public void Assign_MatchesAnIndependentSha256(string key, DataSplit expected) =>
        Assert.That(DataSplitter.Assign(key), Is.EqualTo(expected));

    [Test]
    public void Assign_ProportionsFollowTheFractions()
    {
        const int n = 20_000;
        var counts = new int[3];
        for (int i = 0; i < n; i++)
        {
            counts[(int)DataSplitter.Assign($"<{i}.message@example.com>", 0.1, 0.1)]++;
        }
        Assert.That(counts[(int)DataSplit.Train] / (double)n, Is.EqualTo(0.8).Within(0.015), $"n {n}");
        Assert.That(counts[(int)DataSplit.Dev] / (double)n, Is.EqualTo(0.1).Within(0.01), $"n {n}");
        Assert.That(counts[(int)DataSplit.Test] / (double)n, Is.EqualTo(0.1).Within(0.01), $"n {n}");
    }

    [Test]
    public void Assign_ZeroFractions_PutEverythingInTrain()
    {
        for (int i = 0; i < 200; i++)
        {
            Assert.That(DataSplitter.Assign($"k{i}", 0, 0), Is.EqualTo(DataSplit.Train), $"key k{i}");
        }
    }

    [Test]
    public void Assign_GrowingTheTestFraction_OnlyMovesTrainAndDevIntoTest()
    {
        // Buckets are fixed per key, so a key in test at 10% stays in test at 20%.
        for (int i = 0; i < 2000; i++)
        {
            var key = $"k{i}";
            if (DataSplitter.Assign(key, 0.1, 0.1) == DataSplit.Test)
            {
                Assert.That(DataSplitter.Assign(key, 0.1, 0.2), Is.EqualTo(DataSplit.Test), $"key {key}");
            }
        }
    }

    [TestCase(-0.1, 0.1)]
    [TestCase(0.6, 0.5)]
    [TestCase(0.1, 1.1)]
    public void Assign_RejectsBadFractions(double dev, double test) =>
        Assert.That(() => DataSplitter.Assign("k", dev, test),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("sum to at most 1"));
}
