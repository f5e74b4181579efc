using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>Argument checks shared by the popcount GEMM families, done once per call before any pointer use.</summary>
internal static class GemmValidation
{
    public static void ThrowIfUnsupported(KernelIsa isa, string family)
    {
        if (!Enum.IsDefined(isa))
        {
            throw new ArgumentOutOfRangeException(nameof(isa), isa, $"{family}: unknown instruction-set family.");
        }
        if (!KernelIsaSelector.IsSupported(isa))
        {
            throw new PlatformNotSupportedException($"{family}: instruction-set family {isa} is not supported in this process (supported: {string.Join(", ", KernelIsaSelector.Supported)}).");
        }
    }

    public static void ThrowIfBadCall(int tokens, int n, ReadOnlySpan<float> tokenScale, bool tokenScaleRequired,
        ReadOnlySpan<float> bias, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (tokenScaleRequired ? tokenScale.Length != tokens : !tokenScale.IsEmpty && tokenScale.Length != tokens)
        {
            throw new ArgumentException(
                $"Expected {(tokenScaleRequired ? "" : "no or ")}{tokens} per-token activation scales, got {tokenScale.Length}.", "activationScale");
        }
        if (!bias.IsEmpty && bias.Length != n)
        {
            throw new ArgumentException($"Expected no bias or {n} bias values, got {bias.Length}.", nameof(bias));
        }
    }

    public static void ThrowIfBadOutput(Span2D<float> output, int tokens, int n)
    {
        if (output.Height != tokens || output.Width != n)
        {
            throw new ArgumentException($"Output is [{output.Height}, {output.Width}] but the product is [{tokens}, {n}].", nameof(output));
        }
    }

    public static void ThrowIfBadSignOutput(int length, int tokens, int n)
    {
        long needed = (long)tokens * BinaryLayout.RowStrideWords(n);
        if (length < needed)
        {
            throw new ArgumentException(
                $"Packed sign output has {length} words but [{tokens}, {n}] needs {needed} (row stride {BinaryLayout.RowStrideWords(n)} words).", "output");
        }
    }

    public static void ThrowIfBadThresholds(SignThresholds thresholds, int n, int k)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.N != n || thresholds.K != k)
        {
            throw new ArgumentException(
                $"Thresholds were made for N = {thresholds.N}, K = {thresholds.K} but the weight is [{n}, {k}].", nameof(thresholds));
        }
    }

    /// <summary>Elements between the starts of two rows of a 2-D view.</summary>
    public static int Stride(Span2D<float> view)
    {
        if (view.Height < 2) return view.Width;
        return (int)(Unsafe.ByteOffset(ref view.DangerousGetReferenceAt(0, 0), ref view.DangerousGetReferenceAt(1, 0)) / sizeof(float));
    }
}
