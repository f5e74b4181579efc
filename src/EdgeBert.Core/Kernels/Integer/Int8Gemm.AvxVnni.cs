using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W8A8 through AVX-VNNI <c>VPDPBUSD</c> (u8 × s8, exact int32 accumulation). Activations are
/// staged as x + 128 (u8); the extra 128·Σ_k w[n, k] per output was precomputed at pack time
/// (<see cref="PackedIntegerWeights"/> column sums) and is removed in the epilogue
/// (oneDNN / MLAS compensation, KERNELS.md lesson 10). The accumulator may wrap during the
/// sum, but two's-complement wrap-around cancels in the subtraction because the exact result
/// fits in int32 (|Σ w·x| ≤ 16384·K).
/// </summary>
internal readonly unsafe struct Int8AvxVnniPanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Avx2;
    public static bool IsSupported => Avx2.IsSupported && AvxVnni.IsSupported;
    public static bool UsesVnni => true;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 128;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0x80);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int groups = kPad / 4;
        byte* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
        Vector256<int> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector256<int> c2a = default, c2b = default, c3a = default, c3b = default;
        sbyte* w = (sbyte*)panel;
        for (int g = 0; g < groups; g++, w += 64)
        {
            Vector256<sbyte> wa = Vector256.Load(w), wb = Vector256.Load(w + 32);
            Vector256<byte> x = Vector256.Create(*(int*)(a0 + 4 * g)).AsByte();
            c0a = AvxVnni.MultiplyWideningAndAdd(c0a, x, wa);
            c0b = AvxVnni.MultiplyWideningAndAdd(c0b, x, wb);
            x = Vector256.Create(*(int*)(a1 + 4 * g)).AsByte();
            c1a = AvxVnni.MultiplyWideningAndAdd(c1a, x, wa);
            c1b = AvxVnni.MultiplyWideningAndAdd(c1b, x, wb);
            x = Vector256.Create(*(int*)(a2 + 4 * g)).AsByte();
            c2a = AvxVnni.MultiplyWideningAndAdd(c2a, x, wa);
            c2b = AvxVnni.MultiplyWideningAndAdd(c2b, x, wb);
            x = Vector256.Create(*(int*)(a3 + 4 * g)).AsByte();
            c3a = AvxVnni.MultiplyWideningAndAdd(c3a, x, wa);
            c3b = AvxVnni.MultiplyWideningAndAdd(c3b, x, wb);
        }
        c0a.Store(acc); c0b.Store(acc + 8);
        c1a.Store(acc + 16); c1b.Store(acc + 24);
        c2a.Store(acc + 32); c2b.Store(acc + 40);
        c3a.Store(acc + 48); c3b.Store(acc + 56);
    }
}
