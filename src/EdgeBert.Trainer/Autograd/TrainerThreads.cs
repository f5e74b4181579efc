namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// The process-wide degree of parallelism every autograd operation uses. One setting for the
/// whole trainer keeps threading a deployment decision (and lets tests pin it to 1).
/// </summary>
public static class TrainerThreads
{
    private static int count = Environment.ProcessorCount;

    /// <summary>Threads per operation; defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int Count
    {
        get => Volatile.Read(ref count);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Count));
            Volatile.Write(ref count, value);
        }
    }
}
