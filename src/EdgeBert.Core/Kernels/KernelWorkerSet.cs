using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels;

/// <summary>
/// The persistent worker threads behind <see cref="KernelParallel.For"/>: background threads
/// created on first need (as many as the largest thread count asked for, less one) and reused
/// for every parallel step after that. A step with N threads wakes exactly N − 1 of them; the
/// caller takes part and returns when all indices are done. One step runs at a time: a second
/// caller waits for the first step to finish (steps are short), so no caller ever gets more
/// threads than it asked for. Waiting spins briefly, then blocks, so idle workers cost nothing.
/// </summary>
internal sealed unsafe class KernelWorkerSet
{
    /// <summary>Rounds of Thread.SpinWait(10) a thread spends looking for its signal before it blocks (tens of µs).</summary>
    private const int SpinRounds = 500;

    [ThreadStatic]
    private static bool t_inStep;

    private readonly object _gate = new();
    private readonly List<Worker> _workers = [];

    // The current step; written by the caller under _gate before the workers are woken.
    private delegate*<void*, int, int, void> _run;
    private void* _work;
    private int _count, _grain, _next, _pending;
    private ExceptionDispatchInfo? _failure;
    // SemaphoreSlim creates its lock eagerly and its synchronous Wait allocates nothing.
    private readonly SemaphoreSlim _done = new(0);

    /// <summary>The process-wide set.</summary>
    public static KernelWorkerSet Shared { get; } = new();

    /// <summary>Whether the current thread is running a step (a worker, or a caller taking part).</summary>
    public static bool InStep => t_inStep;

    /// <summary>Workers created so far (for tests: never more than the largest thread count asked for, less one).</summary>
    public int WorkerCount
    {
        get { lock (_gate) return _workers.Count; }
    }

    /// <summary>Runs indices [0, count) of <paramref name="work"/> on the caller and <paramref name="helpers"/> workers.</summary>
    public void Run<TWork>(int count, int grain, int helpers, in TWork work)
        where TWork : struct, IAction
    {
        // A copy on this frame: its address stays valid (and unmoved) until every worker is done.
        TWork item = work;
        lock (_gate)
        {
            while (_workers.Count < helpers) _workers.Add(new Worker(this, _workers.Count));
            _run = &KernelParallel.RunRange<TWork>;
            _work = Unsafe.AsPointer(ref item);
            _count = count;
            _grain = grain;
            _next = 0;
            _failure = null;
            _pending = helpers;
            for (int i = 0; i < helpers; i++) _workers[i].Wake();

            t_inStep = true;
            try
            {
                Claim();
            }
            finally
            {
                t_inStep = false;
                // The work item lives on this stack frame: wait for every worker even if this thread failed.
                SpinThenWait(_done);
                _work = null;
            }
            _failure?.Throw();
        }
    }

    /// <summary>Claims grains of indices until none are left.</summary>
    private void Claim()
    {
        while (true)
        {
            int start = Interlocked.Add(ref _next, _grain) - _grain;
            if (start >= _count) return;
            _run(_work, start, Math.Min(start + _grain, _count));
        }
    }

    private void WorkerStep()
    {
        try
        {
            Claim();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            // Let the other participants run out of indices quickly.
            Volatile.Write(ref _next, int.MaxValue / 2);
        }
        if (Interlocked.Decrement(ref _pending) == 0) _done.Release();
    }

    /// <summary>Waits for one signal, spinning a little before blocking.</summary>
    private static void SpinThenWait(SemaphoreSlim signal)
    {
        for (int i = 0; i < SpinRounds && signal.CurrentCount == 0; i++) Thread.SpinWait(10);
        signal.Wait();
    }

    /// <summary>One persistent background thread and its wake-up signal.</summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private readonly KernelWorkerSet _owner;

        public Worker(KernelWorkerSet owner, int index)
        {
            _owner = owner;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"EdgeBert kernel worker {index + 1}" };
            thread.Start();
        }

        public void Wake() => _wake.Release();

        private void Loop()
        {
            t_inStep = true;
            while (true)
            {
                // Spins a little first: the next step of a forward pass usually follows within microseconds.
                SpinThenWait(_wake);
                _owner.WorkerStep();
            }
        }
    }
}
