namespace EdgeBert.Native;

// UNFINISHED until the encoder (EdgeBert.Runtime.Model/Session, branch `encoder`) is merged into
// main: classify and embed report Unsupported. Everything else in the C ABI is complete.
public sealed partial class NativeSession
{
    private const string NoEncoder = "This build of libedgebert has no encoder yet (classify and embed arrive with EdgeBert.Runtime).";

    private static void InitializeInference()
    {
    }

    /// <summary>Classifies UTF-8 text; the logits (one per label) go to <paramref name="logits"/> when it is not empty.</summary>
    /// <exception cref="NativeException">Status Unsupported in this build.</exception>
    public NativeClassification Classify(ReadOnlySpan<byte> utf8, Span<float> logits) =>
        throw new NativeException(NativeStatus.Unsupported, NoEncoder);

    /// <summary>Classifies several texts; <paramref name="logits"/> is empty or [texts × labels].</summary>
    /// <exception cref="NativeException">Status Unsupported in this build.</exception>
    public void ClassifyBatch(IReadOnlyList<string> texts, Span<NativeClassification> results, Span<float> logits) =>
        throw new NativeException(NativeStatus.Unsupported, NoEncoder);

    /// <summary>The pooled embedding of UTF-8 text into <paramref name="embedding"/> (hidden size floats); returns the token count.</summary>
    /// <exception cref="NativeException">Status Unsupported in this build.</exception>
    public NativeEncodeResult Embed(ReadOnlySpan<byte> utf8, Span<float> embedding) =>
        throw new NativeException(NativeStatus.Unsupported, NoEncoder);
}
