using System.Runtime.InteropServices;
using EdgeBert.Format;

namespace EdgeBert.Core.Tests.Format;

public unsafe class InPlaceMemoryTests
{
    [Test]
    public void APointerStreamIsViewedInPlaceFromItsPosition()
    {
        byte[] model = EbmTestModels.AllDTypes().ToArray();
        byte* buffer = (byte*)NativeMemory.Alloc((nuint)model.Length + 3);
        try
        {
            model.CopyTo(new Span<byte>(buffer + 3, model.Length));
            using var stream = new UnmanagedMemoryStream(buffer, model.Length + 3);
            stream.Position = 3;

            Assert.That(InPlaceMemory.TryFromStream(stream, out var memory), Is.True);
            Assert.That(memory.ToArray(), Is.EqualTo(model));
            // In place: a write through the native buffer shows in the view (no copy was made).
            buffer[3] ^= 0xFF;
            Assert.That(memory.Span[0], Is.EqualTo((byte)(model[0] ^ 0xFF)));
            buffer[3] ^= 0xFF;
            Assert.That(MemoryMarshal.TryGetArray(memory, out _), Is.False, "not backed by a managed array");
            using (var pin = memory.Pin())
            {
                Assert.That((nint)pin.Pointer, Is.EqualTo((nint)(buffer + 3)));
            }

            using var file = EbmFile.Load(memory, "in place");
            Assert.That(EbmTestModels.TouchAll(file), Is.EqualTo(EbmTestModels.TouchAll(EbmFile.Load(model))));
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    [Test]
    public void OtherStreamsAreNotViewedAndTheCallerCopiesThem()
    {
        Assert.That(InPlaceMemory.TryFromStream(new MemoryStream([1, 2, 3]), out var memory), Is.False);
        Assert.That(memory.IsEmpty, Is.True);
        Assert.Throws<ArgumentNullException>(() => InPlaceMemory.TryFromStream(null!, out _));
    }

    [Test]
    public void ASafeBufferStreamHasNoStablePointerAndIsNotViewed()
    {
        using var buffer = new Buffer(16);
        using var stream = new UnmanagedMemoryStream(buffer, 0, 16);
        Assert.That(InPlaceMemory.TryFromStream(stream, out _), Is.False);
    }

    [Test]
    public void AnEmptyRemainderIsAnEmptyView()
    {
        byte value = 7;
        using var stream = new UnmanagedMemoryStream(&value, 1);
        stream.Position = 1;
        Assert.That(InPlaceMemory.TryFromStream(stream, out var memory), Is.True);
        Assert.That(memory.Length, Is.Zero);
    }

    private sealed class Buffer : SafeBuffer
    {
        public Buffer(int length) : base(ownsHandle: true)
        {
            SetHandle((nint)NativeMemory.AllocZeroed((nuint)length));
            Initialize((ulong)length);
        }

        protected override bool ReleaseHandle()
        {
            NativeMemory.Free((void*)handle);
            return true;
        }
    }
}
