using System.Diagnostics;

namespace EdgeBert.Runtime;

/// <summary>
/// Where the time of a forward pass goes (issue 13, item 6): wall-clock time per step of the
/// encoder, summed over every forward run while the profile is attached to a
/// <see cref="Session"/> (<see cref="Session.Profile"/>). Laps are taken on the calling thread
/// with <see cref="Stopwatch.GetTimestamp"/> between steps, so a step's time includes the
/// threads it waited for. Recording allocates nothing.
/// </summary>
public sealed class ForwardProfile
{
    private static readonly string[] Names =
    [
        "embedding + layernorm", "input quantize / sign pack", "qkv gemm", "attention", "attention-out gemm",
        "residual + layernorm", "ffn-in gemm", "ffn activation", "ffn-out gemm", "pooler + head",
    ];

    private static readonly bool[] Gemm = [false, false, true, false, true, false, true, false, true, false];

    private readonly long[] _ticks = new long[Names.Length];
    private readonly long[] _current = new long[Names.Length];
    private readonly long[] _fastest = new long[Names.Length];
    private long _last;

    /// <summary>An empty profile.</summary>
    public ForwardProfile() => Reset();

    /// <summary>The steps in forward order.</summary>
    public static IReadOnlyList<string> StepNames => Names;

    /// <summary>Forward passes recorded since the last <see cref="Reset"/>.</summary>
    public int Forwards { get; private set; }

    /// <summary>Whether step <paramref name="step"/> is a GEMM (the linear layers' matrix products).</summary>
    public static bool IsGemm(int step) => Gemm[step];

    /// <summary>Total milliseconds of step <paramref name="step"/> (an index into <see cref="StepNames"/>).</summary>
    public double Milliseconds(int step) => _ticks[step] * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// The fastest single forward's milliseconds in step <paramref name="step"/>: on a machine
    /// shared with other work, the least disturbed figure (each step's minimum may come from a
    /// different forward).
    /// </summary>
    public double FastestMilliseconds(int step) =>
        Forwards == 0 ? 0 : Math.Min(_fastest[step], _current[step]) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Total milliseconds of all steps.</summary>
    public double TotalMilliseconds
    {
        get
        {
            long sum = 0;
            foreach (long t in _ticks) sum += t;
            return sum * 1000.0 / Stopwatch.Frequency;
        }
    }

    /// <summary>Forgets every recorded lap.</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_current);
        Array.Fill(_fastest, long.MaxValue);
        Forwards = 0;
    }

    /// <summary>Starts the clock of one forward pass.</summary>
    internal void Start()
    {
        for (int i = 0; i < _current.Length; i++)
        {
            if (Forwards > 0) _fastest[i] = Math.Min(_fastest[i], _current[i]);
            _current[i] = 0;
        }
        Forwards++;
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>Charges the time since the last lap to <paramref name="step"/>.</summary>
    internal void Lap(ForwardStep step)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)step] += now - _last;
        _current[(int)step] += now - _last;
        _last = now;
    }
}

/// <summary>Steps of <see cref="ForwardProfile"/>, in the order of <see cref="ForwardProfile.StepNames"/>.</summary>
internal enum ForwardStep
{
    Embedding,
    Quantize,
    QkvGemm,
    Attention,
    OutputGemm,
    ResidualLayerNorm,
    FfnInGemm,
    FfnActivation,
    FfnOutGemm,
    Head,
}
