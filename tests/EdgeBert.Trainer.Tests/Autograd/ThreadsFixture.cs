using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>Runs a fixture with <see cref="TrainerThreads.Count"/> pinned, restoring it afterwards.</summary>
public abstract class ThreadsFixture(int threads)
{
    private int saved;

    /// <summary>The thread count this fixture instance runs with.</summary>
    protected int Threads { get; } = threads;

    [SetUp]
    public void PinThreads()
    {
        saved = TrainerThreads.Count;
        TrainerThreads.Count = Threads;
    }

    [TearDown]
    public void RestoreThreads() => TrainerThreads.Count = saved;

    /// <summary>Uniform values in [-1, 1) from a fixed seed.</summary>
    protected static Tensor Rand(int[] shape, int seed, bool requiresGrad = true) =>
        Tensor.RandomUniform(shape, new Random(seed), -1f, 1f, requiresGrad);
}
