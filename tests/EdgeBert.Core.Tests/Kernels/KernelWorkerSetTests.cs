using System.Collections.Concurrent;
using CommunityToolkit.HighPerformance.Helpers;
using EdgeBert.Kernels;

namespace EdgeBert.Core.Tests.Kernels;

/// <summary>The persistent worker set: every index once, exactly the threads asked for, no allocation.</summary>
[Category("Kernels")]
public class KernelWorkerSetTests
{
    private struct Record : IAction
    {
        public int[] Hits;
        public ConcurrentDictionary<int, bool> Threads;

        public readonly void Invoke(int i)
        {
            Interlocked.Increment(ref Hits[i]);
            Threads.TryAdd(Environment.CurrentManagedThreadId, true);
            Thread.SpinWait(200); // long enough that workers get a share
        }
    }

    private struct Count : IAction
    {
        public int[] Hits;

        public readonly void Invoke(int i) => Interlocked.Increment(ref Hits[i]);
    }

    private struct Throwing : IAction
    {
        public readonly void Invoke(int i)
        {
            if (i == 37) throw new InvalidOperationException("index 37");
        }
    }

    private struct Nested : IAction
    {
        public int[] Hits;
        public ConcurrentDictionary<int, bool> Threads;

        public readonly void Invoke(int i)
        {
            int outer = Environment.CurrentManagedThreadId;
            var inner = new Record { Hits = new int[8], Threads = new ConcurrentDictionary<int, bool>() };
            KernelParallel.For(8, 4, 1, in inner);
            // A call from inside a step runs inline on the same thread.
            Threads.TryAdd(inner.Threads.Count == 1 && inner.Threads.ContainsKey(outer) ? 1 : 0, true);
            Interlocked.Increment(ref Hits[i]);
        }
    }

    [TestCase(1, 1000)]
    [TestCase(2, 1000)]
    [TestCase(3, 7)]
    [TestCase(4, 257)]
    public void EveryIndexRunsOnceOnAtMostTheThreadsAskedFor(int threads, int count)
    {
        for (int round = 0; round < 20; round++)
        {
            var work = new Record { Hits = new int[count], Threads = new ConcurrentDictionary<int, bool>() };
            KernelParallel.For(count, threads, 1, in work);
            Assert.That(work.Hits, Has.All.EqualTo(1), $"threads={threads} round={round}");
            Assert.That(work.Threads.Count, Is.LessThanOrEqualTo(threads), $"threads={threads} round={round}");
            if (threads == 1) Assert.That(work.Threads.Keys, Is.EqualTo(new[] { Environment.CurrentManagedThreadId }));
        }
    }

    [Test]
    public void TwoThreadsUseTheCallerAndOnePersistentWorker()
    {
        var seen = new HashSet<int>();
        for (int round = 0; round < 50; round++)
        {
            var work = new Record { Hits = new int[64], Threads = new ConcurrentDictionary<int, bool>() };
            KernelParallel.For(64, 2, 1, in work);
            seen.UnionWith(work.Threads.Keys);
        }
        // Over 50 steps: the caller plus the same worker thread each time (not a new pool thread per step).
        Assert.That(seen, Does.Contain(Environment.CurrentManagedThreadId));
        Assert.That(seen.Count, Is.LessThanOrEqualTo(2));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void StepsAllocateNothingOnceWarm(int threads)
    {
        var work = new Count { Hits = new int[512] };
        KernelParallel.For(512, threads, 1, in work);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) KernelParallel.For(512, threads, 1, in work);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(work.Hits, Has.All.EqualTo(201));
    }

    [Test]
    public void AnExceptionInAStepReachesTheCallerAndTheSetKeepsWorking()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => KernelParallel.For(100, 3, 1, new Throwing()));
        Assert.That(ex!.Message, Is.EqualTo("index 37"));
        var work = new Count { Hits = new int[100] };
        KernelParallel.For(100, 3, 1, in work);
        Assert.That(work.Hits, Has.All.EqualTo(1));
    }

    [Test]
    public void ACallFromInsideAStepRunsInline()
    {
        var work = new Nested { Hits = new int[16], Threads = new ConcurrentDictionary<int, bool>() };
        KernelParallel.For(16, 3, 1, in work);
        Assert.That(work.Hits, Has.All.EqualTo(1));
        Assert.That(work.Threads.Keys, Is.EqualTo(new[] { 1 }), "every nested call ran inline on its own thread");
    }

    [Test]
    public void ConcurrentCallersEachGetEveryIndex()
    {
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int round = 0; round < 50; round++)
            {
                var work = new Count { Hits = new int[300] };
                KernelParallel.For(300, 2, 1, in work);
                if (work.Hits.Any(h => h != 1)) return false;
            }
            return true;
        })).ToArray();
        Task.WaitAll(tasks);
        Assert.That(tasks.Select(t => t.Result), Has.All.True);
    }
}
