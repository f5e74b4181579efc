namespace EdgeBert.Trainer.Commands;

/// <summary>
/// A synchronous <see cref="IProgress{T}"/>: <see cref="Progress{T}"/> posts to the thread pool, so
/// reports could arrive after the work has finished and the progress display has closed.
/// </summary>
internal sealed class DataProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
