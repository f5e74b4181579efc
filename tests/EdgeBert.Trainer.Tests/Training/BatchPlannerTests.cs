using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class BatchPlannerTests
{
    private static List<EncodedExample> Examples(int count, int seed)
    {
        var rng = new TrainingRandom((ulong)seed);
        return [.. Enumerable.Range(0, count).Select(i => new EncodedExample(new int[rng.Next(2, 60)], new int[0], i))];
    }

    [TestCase(1, 1)]
    [TestCase(100, 7)]
    [TestCase(1000, 16)]
    public void TrainingPlan_CoversEveryExampleOnce_AndRepeatsForTheSameSeed(int count, int batchSize)
    {
        var examples = Examples(count, seed: count);
        var plan = BatchPlanner.Plan(examples, batchSize, new TrainingRandom(3));
        Assert.That(plan.SelectMany(b => b).Order(), Is.EqualTo(Enumerable.Range(0, count)), $"count {count}, batch {batchSize}");
        Assert.That(plan.All(b => b.Length <= batchSize));
        Assert.That(BatchPlanner.Plan(examples, batchSize, new TrainingRandom(3)), Is.EqualTo(plan));
    }

    [Test]
    public void Bucketing_PadsLessThanRandomBatches()
    {
        var examples = Examples(2048, seed: 5);
        long Padding(IEnumerable<int[]> plan) => plan.Sum(b => (long)b.Length * b.Max(i => examples[i].Ids.Length) - b.Sum(i => examples[i].Ids.Length));
        var bucketed = BatchPlanner.Plan(examples, 16, new TrainingRandom(1));
        var random = Enumerable.Range(0, 2048).Chunk(16);
        Assert.That(Padding(bucketed), Is.LessThan(Padding(random) / 4));
    }

    [Test]
    public void EvaluationPlan_IsSortedByLength()
    {
        var examples = Examples(50, seed: 9);
        var lengths = BatchPlanner.Plan(examples, 8, null).SelectMany(b => b).Select(i => examples[i].Ids.Length).ToList();
        Assert.That(lengths, Is.Ordered);
    }

    [Test]
    public void Collate_PadsToTheLongest()
    {
        BertBatch batch = BertBatch.Collate([new EncodedExample([2, 7, 3], [0, 0, 0], 1), new EncodedExample([2, 3], [0, 1], 0)], padId: 0);
        Assert.That((batch.Size, batch.Length), Is.EqualTo((2, 3)));
        Assert.That(batch.Ids, Is.EqualTo(new[] { 2, 7, 3, 2, 3, 0 }));
        Assert.That(batch.TypeIds, Is.EqualTo(new[] { 0, 0, 0, 0, 1, 0 }));
        Assert.That(batch.Keep, Is.EqualTo(new[] { 1, 1, 1, 1, 1, 0 }));
        Assert.That(batch.Labels, Is.EqualTo(new[] { 1, 0 }));
        Assert.That(batch.TokenCount, Is.EqualTo(5));
        Assert.That(() => BertBatch.Collate([], 0), Throws.ArgumentException);
        Assert.That(() => BertBatch.Collate([new EncodedExample([1, 2], [0], 0)], 0), Throws.ArgumentException.With.Message.Contains("2 ids and 1 type ids"));
    }
}
