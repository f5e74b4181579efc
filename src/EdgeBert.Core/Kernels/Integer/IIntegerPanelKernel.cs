namespace EdgeBert.Kernels.Integer;

/// <summary>
/// The per-ISA heart of an integer GEMM: <see cref="Tokens"/> tokens × one 16-output panel over
/// the whole (padded) K, into exact int32 accumulators. The weight decode of a panel step is
/// shared by the tokens (bitnet.cpp's activation-parallel reuse, KERNELS.md lesson 9).
/// </summary>
internal unsafe interface IIntegerPanelKernel
{
    /// <summary>Most tokens any kernel takes per call (the driver's buffers).</summary>
    const int MaxTokens = 8;

    /// <summary>Tokens per call: 4, or up to <see cref="MaxTokens"/> where the registers allow more reuse of a decode.</summary>
    static virtual int Tokens => 4;

    /// <summary>The instruction set the kernel needs.</summary>
    static abstract KernelIsa Isa { get; }

    /// <summary>Whether the kernel can run in this process.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Whether the kernel uses AVX-VNNI (reported by benchmarks and diagnostics).</summary>
    static abstract bool UsesVnni { get; }

    /// <summary>Bytes per staged activation (1: s8 or u8, 2: int16).</summary>
    static abstract int StagedValueBytes { get; }

    /// <summary>
    /// The raw accumulator equals Σ w·x + ColumnOffset·Σ_k w[n, k] + TokenOffset·Σ_k x[m, k];
    /// the driver subtracts both (VNNI's +128 activations, ternary codes w + 1).
    /// </summary>
    static abstract int ColumnOffset { get; }

    /// <inheritdoc cref="ColumnOffset"/>
    static abstract int TokenOffset { get; }

    /// <summary>Writes one token's K activations to <paramref name="dst"/> in the kernel's format, zero-padded to kPad values.</summary>
    static abstract void Stage(sbyte* x, int k, int kPad, byte* dst);

    /// <summary>
    /// <c>acc[t·16 + j]</c> = raw accumulator of token rows[t] and output j of the panel
    /// (overwritten), for t &lt; <see cref="Tokens"/> over kPad values.
    /// </summary>
    static abstract void Run(byte* panel, int kPad, byte** rows, int* acc);
}
