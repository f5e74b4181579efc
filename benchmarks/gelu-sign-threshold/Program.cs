// Exhaustive check over every float32 y (bit patterns in order of magnitude, each sign): the set of
// y whose GELU is negative (what SignPacking packs as bit 1) must be exactly (T, 0) for one T.
// Runs the runtime's vector GELU (Gelu.Apply: the widest vector this process accelerates), its
// scalar Gelu.Of, and the trainer's GELU of W1A1 students (TorchRuntimeGelu: the runtime's values on
// LibTorch tensors; LibTorch's own float32 GELU is 0 below about −5.9). Run it once per instruction-set
// mask (see README.md); prints T per implementation.
using System.Runtime.Intrinsics;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

const int Block = 1 << 22;
var x = new float[Block];
var y = new float[Block];
Console.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector128 {Vector128.IsHardwareAccelerated}");
// Arguments pick implementations (default: all): trainer, vector, scalar.
var which = args.Length == 0 ? ["trainer", "vector", "scalar"] : args;
bool ok = true;
if (which.Contains("trainer")) ok &= Check("trainer TorchRuntimeGelu", (xs, ys) =>
{
    using var scope = NewDisposeScope();
    TorchRuntimeGelu.Apply(tensor(xs)).data<float>().CopyTo(ys, 0);
});
if (which.Contains("vector")) ok &= Check("runtime Gelu.Apply", (xs, ys) => Gelu.Apply(xs, ys));
if (which.Contains("scalar")) ok &= Check("runtime Gelu.Of (scalar)", (xs, ys) => { for (int i = 0; i < xs.Length; i++) ys[i] = Gelu.Of(xs[i]); });
Console.WriteLine(ok ? "OK: every implementation has one threshold" : "FAILED");
return ok ? 0 : 1;

bool Check(string name, Action<float[], float[]> gelu)
{
    // Negative half: patterns 0x80000000 (−0) .. 0xFF800000 (−inf) in increasing magnitude. Lists
    // every maximal run of inputs whose gelu is NOT negative (packs as +1).
    var runs = new List<(uint First, uint Last)>();
    long positivesNegative = 0;
    for (uint start = 0; start <= 0x7F800000u; start += Block)
    {
        int n = (int)Math.Min(Block, 0x7F800001u - start);
        var xs = n == Block ? x : new float[n];
        var ys = n == Block ? y : new float[n];
        for (int i = 0; i < n; i++) xs[i] = BitConverter.UInt32BitsToSingle(0x80000000u | (start + (uint)i));
        gelu(xs, ys);
        for (int i = 0; i < n; i++)
        {
            if (ys[i] < 0f) continue;
            uint bits = start + (uint)i;
            if (runs.Count > 0 && runs[^1].Last == bits - 1) runs[^1] = (runs[^1].First, bits);
            else runs.Add((bits, bits));
        }
        // Positive half: gelu(y) for y ≥ +0 (to +inf) must never be negative.
        for (int i = 0; i < n; i++) xs[i] = BitConverter.UInt32BitsToSingle(start + (uint)i);
        gelu(xs, ys);
        for (int i = 0; i < n; i++) if (ys[i] < 0f) positivesNegative++;
    }
    Console.WriteLine($"  {name}: {runs.Count} run(s) of negative y with a non-negative gelu; {positivesNegative} non-negative y with a negative gelu");
    foreach (var (first, last) in runs.Take(10))
    {
        float a = BitConverter.UInt32BitsToSingle(0x80000000u | first), b = BitConverter.UInt32BitsToSingle(0x80000000u | last);
        Console.WriteLine($"    [{a:R} (0x{0x80000000u | first:X8}) .. {b:R} (0x{0x80000000u | last:X8})]");
    }
    // One threshold T: runs are exactly [−0 .. −0] and [T .. −inf].
    return positivesNegative == 0 && runs.Count == 2 && runs[0] == (0u, 0u) && runs[1].Last == 0x7F800000u;
}
