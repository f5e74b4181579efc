using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace EdgeBert.Format;

/// <summary>CRC-32C with the ARMv8 <c>crc32c</c> instructions, 8 bytes per step on arm64.</summary>
internal static class Crc32CArm64
{
    internal static bool IsSupported => ArmCrc32.IsSupported;

    /// <summary>Advances the raw CRC register; same result as <see cref="Crc32CScalar.Update"/>.</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        if (ArmCrc32.Arm64.IsSupported)
        {
            for (; i <= length - 8; i += 8)
            {
                state = ArmCrc32.Arm64.ComputeCrc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
            }
        }
        for (; i <= length - 4; i += 4)
        {
            state = ArmCrc32.ComputeCrc32C(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i)));
        }
        for (; i < length; i++)
        {
            state = ArmCrc32.ComputeCrc32C(state, Unsafe.Add(ref start, i));
        }
        return state;
    }
}
