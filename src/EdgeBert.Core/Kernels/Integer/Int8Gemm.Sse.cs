using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W8A8 for the <see cref="KernelIsa.Vector128"/> family on x86 (SSE4.1, the x86-64-v2 level a
/// default NativeAOT build may be limited to): the <c>pmovsxbw</c> + <c>pmaddwd</c> path of
/// <see cref="Int8Avx2Panel"/> at 128 bits, with the same no-overflow bound. About 2–3× the
/// portable widening kernel, which stays the fallback elsewhere (and is tested separately).
/// A quarter panel (4 outputs) at a time keeps 4 tokens × 2 accumulators in 16 xmm registers.
/// </summary>
internal readonly unsafe struct Int8SsePanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Vector128;
    public static bool IsSupported => Sse41.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 2;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Int16(x, k, kPad, dst);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int groups = kPad / 4;
        short* a0 = (short*)rows[0], a1 = (short*)rows[1], a2 = (short*)rows[2], a3 = (short*)rows[3];
        int* pairs = stackalloc int[4];
        for (int quarter = 0; quarter < 4; quarter++)
        {
            // wa: outputs 4q, 4q+1 (lanes o·k-pair); wb: outputs 4q+2, 4q+3.
            Vector128<int> c0a = default, c0b = default, c1a = default, c1b = default;
            Vector128<int> c2a = default, c2b = default, c3a = default, c3b = default;
            sbyte* w = (sbyte*)panel + quarter * 16;
            for (int g = 0; g < groups; g++, w += 64)
            {
                Vector128<short> wa = Sse41.ConvertToVector128Int16(w), wb = Sse41.ConvertToVector128Int16(w + 8);
                Vector128<short> x = Vector128.Create(*(long*)(a0 + 4 * g)).AsInt16();
                c0a += Sse2.MultiplyAddAdjacent(wa, x);
                c0b += Sse2.MultiplyAddAdjacent(wb, x);
                x = Vector128.Create(*(long*)(a1 + 4 * g)).AsInt16();
                c1a += Sse2.MultiplyAddAdjacent(wa, x);
                c1b += Sse2.MultiplyAddAdjacent(wb, x);
                x = Vector128.Create(*(long*)(a2 + 4 * g)).AsInt16();
                c2a += Sse2.MultiplyAddAdjacent(wa, x);
                c2b += Sse2.MultiplyAddAdjacent(wb, x);
                x = Vector128.Create(*(long*)(a3 + 4 * g)).AsInt16();
                c3a += Sse2.MultiplyAddAdjacent(wa, x);
                c3b += Sse2.MultiplyAddAdjacent(wb, x);
            }
            int o = quarter * 4;
            Reduce(c0a, c0b, pairs, acc + 0 * 16 + o);
            Reduce(c1a, c1b, pairs, acc + 1 * 16 + o);
            Reduce(c2a, c2b, pairs, acc + 2 * 16 + o);
            Reduce(c3a, c3b, pairs, acc + 3 * 16 + o);
        }
    }

    /// <summary>Lanes (2i, 2i+1) are output i's two k-pair halves.</summary>
    private static void Reduce(Vector128<int> a, Vector128<int> b, int* scratch, int* dst)
    {
        a.Store(scratch);
        dst[0] = scratch[0] + scratch[1];
        dst[1] = scratch[2] + scratch[3];
        b.Store(scratch);
        dst[2] = scratch[0] + scratch[1];
        dst[3] = scratch[2] + scratch[3];
    }
}
