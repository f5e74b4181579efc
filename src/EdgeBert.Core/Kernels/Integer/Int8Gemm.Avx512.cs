using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W8A8 on AVX-512BW: the int16 <c>vpmaddwd</c> path of <see cref="Int8Avx2Panel"/> at 512
/// bits (.NET 10 exposes no 512-bit VNNI, KERNELS.md lesson 11). The same bound applies: lanes
/// are sums of two int8·int8 products, never saturating, and |Σ| ≤ 16384·K fits int32.
/// </summary>
internal readonly unsafe struct Int8Avx512Panel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Avx512;
    public static bool IsSupported => Avx512BW.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 2;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Int16(x, k, kPad, dst);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int groups = kPad / 4;
        short* a0 = (short*)rows[0], a1 = (short*)rows[1], a2 = (short*)rows[2], a3 = (short*)rows[3];
        // Vector wa covers outputs 0..7, wb outputs 8..15; lanes (2i, 2i+1) are output i's k-pairs.
        Vector512<int> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector512<int> c2a = default, c2b = default, c3a = default, c3b = default;
        sbyte* w = (sbyte*)panel;
        for (int g = 0; g < groups; g++, w += 64)
        {
            Vector512<short> wa = Avx512BW.ConvertToVector512Int16(Vector256.Load(w));
            Vector512<short> wb = Avx512BW.ConvertToVector512Int16(Vector256.Load(w + 32));
            Vector512<short> x = Vector512.Create(*(long*)(a0 + 4 * g)).AsInt16();
            c0a += Avx512BW.MultiplyAddAdjacent(wa, x);
            c0b += Avx512BW.MultiplyAddAdjacent(wb, x);
            x = Vector512.Create(*(long*)(a1 + 4 * g)).AsInt16();
            c1a += Avx512BW.MultiplyAddAdjacent(wa, x);
            c1b += Avx512BW.MultiplyAddAdjacent(wb, x);
            x = Vector512.Create(*(long*)(a2 + 4 * g)).AsInt16();
            c2a += Avx512BW.MultiplyAddAdjacent(wa, x);
            c2b += Avx512BW.MultiplyAddAdjacent(wb, x);
            x = Vector512.Create(*(long*)(a3 + 4 * g)).AsInt16();
            c3a += Avx512BW.MultiplyAddAdjacent(wa, x);
            c3b += Avx512BW.MultiplyAddAdjacent(wb, x);
        }
        int* pairs = stackalloc int[16];
        Reduce(c0a, pairs, acc + 0); Reduce(c0b, pairs, acc + 8);
        Reduce(c1a, pairs, acc + 16); Reduce(c1b, pairs, acc + 24);
        Reduce(c2a, pairs, acc + 32); Reduce(c2b, pairs, acc + 40);
        Reduce(c3a, pairs, acc + 48); Reduce(c3b, pairs, acc + 56);
    }

    private static void Reduce(Vector512<int> v, int* scratch, int* dst)
    {
        v.Store(scratch);
        for (int i = 0; i < 8; i++) dst[i] = scratch[2 * i] + scratch[2 * i + 1];
    }
}
