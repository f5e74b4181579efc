using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Training;

/// <summary>
/// Base of fixtures whose results depend on the trainer's thread count (the order of floating-point
/// sums): every test runs with <see cref="TrainerThreads.Count"/> = 2, and the previous count is
/// restored afterwards.
/// </summary>
public abstract class PinnedTrainerThreads
{
    private int savedThreads;

    /// <summary>Pins the trainer to two threads.</summary>
    [SetUp]
    public void PinThreads()
    {
        savedThreads = TrainerThreads.Count;
        TrainerThreads.Count = 2;
    }

    /// <summary>Restores the thread count found before the test.</summary>
    [TearDown]
    public void RestoreThreads() => TrainerThreads.Count = savedThreads;
}
