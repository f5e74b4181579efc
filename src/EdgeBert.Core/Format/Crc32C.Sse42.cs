using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Format;

/// <summary>CRC-32C with the SSE4.2 <c>crc32</c> instruction, 8 bytes per step on x64.</summary>
internal static class Crc32CSse42
{
    internal static bool IsSupported => Sse42.IsSupported;

    /// <summary>
    /// Below this many bytes one dependency chain is used; above, three interleaved ones
    /// (<see cref="UpdateInterleaved"/>), whose join costs about a microsecond.
    /// </summary>
    internal const int InterleaveThreshold = 4096;

    /// <summary>Advances the raw CRC register; same result as <see cref="Crc32CScalar.Update"/>.</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data) =>
        Sse42.X64.IsSupported && data.Length >= InterleaveThreshold ? UpdateInterleaved(state, data) : UpdateSerial(state, data);

    /// <summary>
    /// The <c>crc32</c> instruction has a latency of 3 cycles but a throughput of 1 per cycle, so
    /// one chain over a model (the loader checks every tensor) runs at a third of the speed the
    /// core allows. Three equal parts are checksummed side by side (the second and third from a
    /// zero register) and joined with <see cref="Crc32CCombine"/>; the tail that does not divide
    /// into three whole words is appended serially.
    /// </summary>
    internal static uint UpdateInterleaved(uint state, ReadOnlySpan<byte> data)
    {
        int part = data.Length / 24 * 8;
        ref byte a = ref MemoryMarshal.GetReference(data);
        ref byte b = ref Unsafe.Add(ref a, part);
        ref byte c = ref Unsafe.Add(ref a, 2 * part);
        ulong s0 = state, s1 = 0, s2 = 0;
        for (int i = 0; i < part; i += 8)
        {
            s0 = Sse42.X64.Crc32(s0, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i)));
            s1 = Sse42.X64.Crc32(s1, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i)));
            s2 = Sse42.X64.Crc32(s2, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref c, i)));
        }
        uint shift = Crc32CCombine.ShiftOperator(part);
        uint joined = Crc32CCombine.Multiply(shift, Crc32CCombine.Multiply(shift, (uint)s0) ^ (uint)s1) ^ (uint)s2;
        return UpdateSerial(joined, data[(3 * part)..]);
    }

    /// <summary>One dependency chain, 8 bytes per step.</summary>
    internal static uint UpdateSerial(uint state, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = state;
            for (; i <= length - 8; i += 8)
            {
                wide = Sse42.X64.Crc32(wide, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
            }
            state = (uint)wide;
        }
        for (; i <= length - 4; i += 4)
        {
            state = Sse42.Crc32(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i)));
        }
        for (; i < length; i++)
        {
            state = Sse42.Crc32(state, Unsafe.Add(ref start, i));
        }
        return state;
    }
}
