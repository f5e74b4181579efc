using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class TrainingRandomTests
{
    [Test]
    public void RestoredState_ContinuesTheSameStream()
    {
        var a = new TrainingRandom(7);
        for (int i = 0; i < 10; i++) a.NextSingle();
        ulong[] state = a.GetState();
        double[] expected = [.. Enumerable.Range(0, 20).Select(_ => a.NextDouble())];
        var b = new TrainingRandom(99);
        b.SetState(state);
        Assert.That(Enumerable.Range(0, 20).Select(_ => b.NextDouble()), Is.EqualTo(expected));
    }

    [Test]
    public void Draws_StayInRange()
    {
        var r = new TrainingRandom(3);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.That(r.NextSingle(), Is.InRange(0f, 1f).And.LessThan(1f));
            Assert.That(r.Next(5), Is.InRange(0, 4));
            Assert.That(r.Next(-3, 3), Is.InRange(-3, 2));
        }

        Assert.That(r.Next(0), Is.EqualTo(0));
    }

    [Test]
    public void DerivedStreams_DifferByKeyAndRepeat()
    {
        Assert.That(TrainingRandom.Derive(1, 0).NextUInt64(), Is.EqualTo(TrainingRandom.Derive(1, 0).NextUInt64()));
        Assert.That(TrainingRandom.Derive(1, 0).NextUInt64(), Is.Not.EqualTo(TrainingRandom.Derive(1, 1).NextUInt64()));
        Assert.That(TrainingRandom.Derive(1, 0, 1).NextUInt64(), Is.Not.EqualTo(TrainingRandom.Derive(1, 1, 0).NextUInt64()));
    }

    [Test]
    public void InvalidState_Throws()
    {
        var r = new TrainingRandom(1);
        Assert.That(() => r.SetState([1, 2, 3]), Throws.ArgumentException.With.Message.Contains("4 words"));
        Assert.That(() => r.SetState([0, 0, 0, 0]), Throws.ArgumentException.With.Message.Contains("all zero"));
    }
}
