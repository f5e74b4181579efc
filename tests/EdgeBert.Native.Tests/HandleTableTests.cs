namespace EdgeBert.Native.Tests;

public class HandleTableTests
{
    private sealed class Thing;

    [Test]
    public void AddGetRemoveRoundTrips()
    {
        var thing = new Thing();
        nint handle = HandleTable.Add(thing);
        Assert.Multiple(() =>
        {
            Assert.That(handle, Is.Not.EqualTo((nint)0));
            Assert.That(HandleTable.Get<Thing>(handle, "thing"), Is.SameAs(thing));
            Assert.That(HandleTable.Remove<Thing>(handle, "thing"), Is.SameAs(thing));
        });
    }

    [Test]
    public void HandlesAreNeverReused()
    {
        var handles = Enumerable.Range(0, 100).Select(_ => HandleTable.Add(new Thing())).ToList();
        foreach (var h in handles) HandleTable.Remove<Thing>(h, "thing");
        nint next = HandleTable.Add(new Thing());
        Assert.That(handles, Does.Not.Contain(next));
        HandleTable.Remove<Thing>(next, "thing");
    }

    [Test]
    public void FreedForeignAndWrongKindHandlesAreInvalid()
    {
        nint handle = HandleTable.Add(new Thing());
        var wrongKind = Assert.Throws<NativeException>(() => HandleTable.Get<string>(handle, "session"));
        HandleTable.Remove<Thing>(handle, "thing");
        var freed = Assert.Throws<NativeException>(() => HandleTable.Get<Thing>(handle, "thing"));
        var foreign = Assert.Throws<NativeException>(() => HandleTable.Get<Thing>(0x1234567, "thing"));
        var doubleFree = Assert.Throws<NativeException>(() => HandleTable.Remove<Thing>(handle, "thing"));
        Assert.Multiple(() =>
        {
            Assert.That(wrongKind!.Status, Is.EqualTo(NativeStatus.InvalidHandle));
            Assert.That(freed!.Status, Is.EqualTo(NativeStatus.InvalidHandle));
            Assert.That(foreign!.Status, Is.EqualTo(NativeStatus.InvalidHandle));
            Assert.That(doubleFree!.Status, Is.EqualTo(NativeStatus.InvalidHandle));
            Assert.That(freed.Message, Does.Contain("thing"));
        });
    }

    [Test]
    public void NullHandleIsANullPointerButRemovingItIsANoOp()
    {
        Assert.Throws<ArgumentNullException>(() => HandleTable.Get<Thing>(0, "thing"));
        Assert.That(HandleTable.Remove<Thing>(0, "thing"), Is.Null);
    }

    [Test]
    public void ConcurrentAddAndRemoveLoseNothing()
    {
        const int Threads = 4, PerThread = 500;
        int before = HandleTable.Count;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                var thing = new Thing();
                nint h = HandleTable.Add(thing);
                Assert.That(HandleTable.Remove<Thing>(h, "thing"), Is.SameAs(thing));
            }
        });
        Assert.That(HandleTable.Count, Is.EqualTo(before));
    }
}
