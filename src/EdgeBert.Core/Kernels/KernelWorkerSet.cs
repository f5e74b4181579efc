using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels;

/// <summary>
/// The persistent worker threads behind <see cref="KernelParallel.For"/>: background threads
/// created on first need (as many as the largest thread count asked for, less one) and reused
/// for every parallel step after that. A step with N threads is open to workers 1 … N − 1 only;
/// the caller takes part and claims grains of indices like them. The caller never waits for a
/// worker that has not started: when it runs out of indices it closes the step and waits only
/// for workers already inside it (so a descheduled worker on a busy machine costs nothing; one
/// that wakes late finds the step closed, or joins a later step it is allowed in). One step runs
/// at a time: a second caller waits for the first step to finish (steps are short). Workers spin
/// briefly, then block, so idle workers cost nothing. Allocates nothing per step.
/// </summary>
internal sealed unsafe class KernelWorkerSet
{
    /// <summary>Rounds of Thread.SpinWait(10) a worker spends looking for its signal before it blocks (tens of µs).</summary>
    private const int SpinRounds = 500;

    [ThreadStatic]
    private static bool t_inStep;

    private readonly object _gate = new();
    private readonly List<Worker> _workers = [];

    // The current step; written by the caller under _gate while the step is closed.
    private delegate*<void*, int, int, void> _run;
    private void* _work;
    private int _count, _grain, _helpers, _next;
    private ExceptionDispatchInfo? _failure;

    // 1 while no step is open; workers inside the open step are counted in _active (Dekker-style:
    // a worker increments _active and then reads _closed; the caller writes _closed and then reads _active).
    private int _closed = 1;
    private int _active;

    /// <summary>The process-wide set.</summary>
    public static KernelWorkerSet Shared { get; } = new();

    /// <summary>Whether the current thread is running a step (a worker, or a caller taking part).</summary>
    public static bool InStep => t_inStep;

    /// <summary>Runs indices [0, count) of <paramref name="work"/> on the caller and up to <paramref name="helpers"/> workers.</summary>
    public void Run<TWork>(int count, int grain, int helpers, in TWork work)
        where TWork : struct, IAction
    {
        // A copy on this frame: its address stays valid (and unmoved) until the step is closed and empty.
        TWork item = work;
        lock (_gate)
        {
            while (_workers.Count < helpers) _workers.Add(new Worker(this, _workers.Count));
            _run = &KernelParallel.RunRange<TWork>;
            _work = Unsafe.AsPointer(ref item);
            _count = count;
            _grain = grain;
            _helpers = helpers;
            _next = 0;
            _failure = null;
            Interlocked.Exchange(ref _closed, 0);
            for (int i = 0; i < helpers; i++) _workers[i].Wake();

            t_inStep = true;
            try
            {
                Claim();
            }
            finally
            {
                t_inStep = false;
                // Close, then wait for the workers inside: the work item lives on this stack frame.
                Interlocked.Exchange(ref _closed, 1);
                var spin = default(SpinWait);
                while (Volatile.Read(ref _active) != 0) spin.SpinOnce(sleep1Threshold: -1);
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

    /// <summary>A woken worker joins the open step if there is one and it is among that step's helpers.</summary>
    private void TryJoin(int index)
    {
        Interlocked.Increment(ref _active);
        try
        {
            if (Volatile.Read(ref _closed) == 0 && index < _helpers) Claim();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            // Let the other participants run out of indices quickly.
            Volatile.Write(ref _next, int.MaxValue / 2);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>One persistent background thread and its wake-up signal.</summary>
    private sealed class Worker
    {
        // SemaphoreSlim creates its lock eagerly and its synchronous Wait allocates nothing.
        private readonly SemaphoreSlim _wake = new(0);
        private readonly KernelWorkerSet _owner;
        private readonly int _index;

        public Worker(KernelWorkerSet owner, int index)
        {
            _owner = owner;
            _index = index;
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
                for (int i = 0; i < SpinRounds && _wake.CurrentCount == 0; i++) Thread.SpinWait(10);
                _wake.Wait();
                _owner.TryJoin(_index);
            }
        }
    }
}
