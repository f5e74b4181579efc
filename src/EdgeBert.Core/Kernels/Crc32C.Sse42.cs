using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels;

/// <summary>CRC-32C with the SSE4.2 <c>crc32</c> instruction, 8 bytes per step on x64.</summary>
internal static class Crc32CSse42
{
    internal static bool IsSupported => Sse42.IsSupported;

    /// <summary>Advances the raw CRC register; same result as <see cref="Crc32CScalar.Update"/>.</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
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
