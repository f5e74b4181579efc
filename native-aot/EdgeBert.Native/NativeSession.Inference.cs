using System.Numerics.Tensors;
using EdgeBert.Format;
using EdgeBert.Runtime;

namespace EdgeBert.Native;

// Classify and embed through EdgeBert.Runtime.Session. Classify hands the decoded text to
// Session.Classify (windows over long texts, or cut or refused, per the parameters); embed tokenizes
// here, with the session's max_length, and hands the ids to the runtime, so the results are the
// runtime's own (the tokenizer options are built exactly as Runtime.Model builds them;
// NativeSessionTests compare).
public sealed partial class NativeSession
{
    private readonly Session _runtime;
    private float[]? _hidden;

    private Session CreateRuntimeSession() => Model.Runtime.CreateSession(new SessionOptions
    {
        Threads = Threads,
        Overlong = !Truncate ? OverlongInput.Fail : Windows ? OverlongInput.Windows : OverlongInput.Truncate,
        MaxLength = MaxLength,
    });

    /// <summary>Classifies UTF-8 text; the logits (one per label) go to <paramref name="logits"/> when it is not empty.</summary>
    /// <exception cref="NativeException">InvalidUtf8, or Unsupported for an encoder-only model.</exception>
    /// <exception cref="BufferTooSmallException">Logits shorter than the label count.</exception>
    public NativeClassification Classify(ReadOnlySpan<byte> utf8, Span<float> logits)
    {
        ThrowIfNoLabels();
        ThrowIfFreed();
        int chars = NativeText.Decode(utf8, ref _chars);
        return ClassifyText(_chars.AsSpan(0, chars), logits);
    }

    /// <summary>Classifies several texts (same results as one <see cref="Classify"/> each); <paramref name="logits"/> is empty or [texts × labels].</summary>
    /// <exception cref="ArgumentException">Results or logits are shorter than the texts need.</exception>
    public void ClassifyBatch(IReadOnlyList<string> texts, Span<NativeClassification> results, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ThrowIfNoLabels();
        int labels = Model.Labels.Count;
        if (results.Length < texts.Count) throw new ArgumentException($"results has {results.Length} entries for {texts.Count} texts.", nameof(results));
        if (!logits.IsEmpty && logits.Length < texts.Count * labels) throw new BufferTooSmallException("logits", logits.Length, (long)texts.Count * labels);
        for (int i = 0; i < texts.Count; i++)
        {
            ThrowIfFreed();
            results[i] = ClassifyText(texts[i], logits.IsEmpty ? default : logits.Slice(i * labels, labels));
        }
    }

    /// <summary>
    /// The pooled embedding (<see cref="Pooling"/>) of UTF-8 text into <paramref name="embedding"/>
    /// (hidden-size floats). The text is tokenized as classify tokenizes it (cut or failing at
    /// <see cref="MaxLength"/>), so both see the same tokens.
    /// </summary>
    /// <exception cref="NativeException">InvalidUtf8; Unsupported for pooler pooling on a model without a pooler.</exception>
    public NativeEncodeResult Embed(ReadOnlySpan<byte> utf8, Span<float> embedding)
    {
        int hidden = Model.Info.HiddenSize;
        if (embedding.Length < hidden) throw new BufferTooSmallException("embedding", embedding.Length, hidden);
        embedding = embedding[..hidden];
        int tokens = TokenizeInternal(utf8, out bool truncated);
        ReadOnlySpan<int> ids = _ids.AsSpan(0, tokens), typeIds = _typeIds.AsSpan(0, tokens);
        var kind = Model.Metadata.Architecture.Pooling;
        switch (Pooling)
        {
            case NativePooling.Model:
            case NativePooling.Pooler when kind == PoolingKind.Pooler:
            case NativePooling.Cls when kind == PoolingKind.Cls:
            case NativePooling.Mean when kind == PoolingKind.Mean:
                _runtime.EmbedTokens(ids, typeIds, embedding);
                break;
            case NativePooling.Pooler:
                throw new NativeException(NativeStatus.Unsupported, $"pooler pooling needs a model trained with the pooler; this one pools by {kind}.");
            default:
                _hidden ??= new float[MaxLength * hidden];
                _runtime.EncodeTokens(ids, typeIds, _hidden);
                // The same operations in the same order as the encoder's own pooling.
                if (Pooling == NativePooling.Cls)
                {
                    _hidden.AsSpan(0, hidden).CopyTo(embedding);
                }
                else
                {
                    embedding.Clear();
                    for (int t = 0; t < tokens; t++) TensorPrimitives.Add(embedding, _hidden.AsSpan(t * hidden, hidden), embedding);
                    TensorPrimitives.Multiply(embedding, 1f / tokens, embedding);
                }
                break;
        }
        return new NativeEncodeResult { TokenCount = tokens, Truncated = truncated ? 1 : 0 };
    }

    /// <summary>The runtime session's classification (windows, cut or refused as the session's parameters say).</summary>
    private NativeClassification ClassifyText(ReadOnlySpan<char> text, Span<float> logits)
    {
        var c = _runtime.Classify(text, logits);
        return new NativeClassification { Label = c.Label, Score = c.Score, TokenCount = c.TokenCount, Truncated = c.Truncated ? 1 : 0, Windows = c.Windows };
    }

    private void ThrowIfNoLabels()
    {
        if (Model.Labels.Count == 0) throw new NativeException(NativeStatus.Unsupported, "This model has no labels (encoder only): use embed.");
    }
}
