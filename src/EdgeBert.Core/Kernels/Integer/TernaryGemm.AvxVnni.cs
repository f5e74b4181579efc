using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W2A8 / W1A8 through AVX-VNNI: one 64-byte block load gives, per half, four code vectors
/// (shift 0/2/4/6, <c>&amp; 3</c>), each multiplied as u8 codes × s8 activations by
/// <c>VPDPBUSD</c> for four tokens (decode shared, KERNELS.md lessons 8–9). Exact in int32;
/// the driver subtracts Σx once per token to undo the +1 of the codes.
/// </summary>
internal readonly unsafe struct TernaryAvxVnniPanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Avx2;
    public static bool IsSupported => Avx2.IsSupported && AvxVnni.IsSupported;
    public static bool UsesVnni => true;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 1;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int blocks = kPad / 16;
        byte* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<int> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector256<int> c2a = default, c2b = default, c3a = default, c3b = default;
        byte* w = panel;
        for (int b = 0; b < blocks; b++, w += 64)
        {
            Vector256<ushort> ra = Vector256.Load(w).AsUInt16(), rb = Vector256.Load(w + 32).AsUInt16();
            int k0 = 16 * b;
            // Unrolled over the four K groups of the block (q = 0..3), codes decoded just before use
            // so only two code vectors are live (16 ymm registers without AVX-512).
            Vector256<byte> wa, wb;
            Vector256<sbyte> x;
            wa = ra.AsByte() & three;
            wb = rb.AsByte() & three;
            x = Vector256.Create(*(int*)(a0 + k0)).AsSByte();
            c0a = AvxVnni.MultiplyWideningAndAdd(c0a, wa, x);
            c0b = AvxVnni.MultiplyWideningAndAdd(c0b, wb, x);
            x = Vector256.Create(*(int*)(a1 + k0)).AsSByte();
            c1a = AvxVnni.MultiplyWideningAndAdd(c1a, wa, x);
            c1b = AvxVnni.MultiplyWideningAndAdd(c1b, wb, x);
            x = Vector256.Create(*(int*)(a2 + k0)).AsSByte();
            c2a = AvxVnni.MultiplyWideningAndAdd(c2a, wa, x);
            c2b = AvxVnni.MultiplyWideningAndAdd(c2b, wb, x);
            x = Vector256.Create(*(int*)(a3 + k0)).AsSByte();
            c3a = AvxVnni.MultiplyWideningAndAdd(c3a, wa, x);
            c3b = AvxVnni.MultiplyWideningAndAdd(c3b, wb, x);
            wa = Vector256.ShiftRightLogical(ra, 2).AsByte() & three;
            wb = Vector256.ShiftRightLogical(rb, 2).AsByte() & three;
            x = Vector256.Create(*(int*)(a0 + k0 + 4)).AsSByte();
            c0a = AvxVnni.MultiplyWideningAndAdd(c0a, wa, x);
            c0b = AvxVnni.MultiplyWideningAndAdd(c0b, wb, x);
            x = Vector256.Create(*(int*)(a1 + k0 + 4)).AsSByte();
            c1a = AvxVnni.MultiplyWideningAndAdd(c1a, wa, x);
            c1b = AvxVnni.MultiplyWideningAndAdd(c1b, wb, x);
            x = Vector256.Create(*(int*)(a2 + k0 + 4)).AsSByte();
            c2a = AvxVnni.MultiplyWideningAndAdd(c2a, wa, x);
            c2b = AvxVnni.MultiplyWideningAndAdd(c2b, wb, x);
            x = Vector256.Create(*(int*)(a3 + k0 + 4)).AsSByte();
            c3a = AvxVnni.MultiplyWideningAndAdd(c3a, wa, x);
            c3b = AvxVnni.MultiplyWideningAndAdd(c3b, wb, x);
            wa = Vector256.ShiftRightLogical(ra, 4).AsByte() & three;
            wb = Vector256.ShiftRightLogical(rb, 4).AsByte() & three;
            x = Vector256.Create(*(int*)(a0 + k0 + 8)).AsSByte();
            c0a = AvxVnni.MultiplyWideningAndAdd(c0a, wa, x);
            c0b = AvxVnni.MultiplyWideningAndAdd(c0b, wb, x);
            x = Vector256.Create(*(int*)(a1 + k0 + 8)).AsSByte();
            c1a = AvxVnni.MultiplyWideningAndAdd(c1a, wa, x);
            c1b = AvxVnni.MultiplyWideningAndAdd(c1b, wb, x);
            x = Vector256.Create(*(int*)(a2 + k0 + 8)).AsSByte();
            c2a = AvxVnni.MultiplyWideningAndAdd(c2a, wa, x);
            c2b = AvxVnni.MultiplyWideningAndAdd(c2b, wb, x);
            x = Vector256.Create(*(int*)(a3 + k0 + 8)).AsSByte();
            c3a = AvxVnni.MultiplyWideningAndAdd(c3a, wa, x);
            c3b = AvxVnni.MultiplyWideningAndAdd(c3b, wb, x);
            wa = Vector256.ShiftRightLogical(ra, 6).AsByte() & three;
            wb = Vector256.ShiftRightLogical(rb, 6).AsByte() & three;
            x = Vector256.Create(*(int*)(a0 + k0 + 12)).AsSByte();
            c0a = AvxVnni.MultiplyWideningAndAdd(c0a, wa, x);
            c0b = AvxVnni.MultiplyWideningAndAdd(c0b, wb, x);
            x = Vector256.Create(*(int*)(a1 + k0 + 12)).AsSByte();
            c1a = AvxVnni.MultiplyWideningAndAdd(c1a, wa, x);
            c1b = AvxVnni.MultiplyWideningAndAdd(c1b, wb, x);
            x = Vector256.Create(*(int*)(a2 + k0 + 12)).AsSByte();
            c2a = AvxVnni.MultiplyWideningAndAdd(c2a, wa, x);
            c2b = AvxVnni.MultiplyWideningAndAdd(c2b, wb, x);
            x = Vector256.Create(*(int*)(a3 + k0 + 12)).AsSByte();
            c3a = AvxVnni.MultiplyWideningAndAdd(c3a, wa, x);
            c3b = AvxVnni.MultiplyWideningAndAdd(c3b, wb, x);
        }
        c0a.Store(acc); c0b.Store(acc + 8);
        c1a.Store(acc + 16); c1b.Store(acc + 24);
        c2a.Store(acc + 32); c2b.Store(acc + 40);
        c3a.Store(acc + 48); c3b.Store(acc + 56);
    }
}
