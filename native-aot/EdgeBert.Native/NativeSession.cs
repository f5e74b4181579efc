using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Native;

/// <summary>
/// The object behind an <c>edgebert_session*</c>: per-thread state (tokenizer, buffers, thread
/// count) over a shared <see cref="NativeModel"/>. Not thread-safe; one per thread.
/// </summary>
public sealed partial class NativeSession
{
    private readonly BertTokenizer _tokenizer;
    private readonly int[] _ids, _typeIds;
    private char[] _chars = new char[256];
    private bool _freed;

    /// <summary>A session over <paramref name="model"/> (takes a reference on it until <see cref="Free"/>).</summary>
    /// <exception cref="ArgumentException">A parameter is out of range (the message names it).</exception>
    /// <exception cref="ObjectDisposedException">The model was already freed.</exception>
    public NativeSession(NativeModel model, NativeSessionParams parameters)
    {
        ArgumentNullException.ThrowIfNull(model);
        Validate(parameters, model);
        Threads = parameters.Threads == 0 ? Environment.ProcessorCount : parameters.Threads;
        MaxLength = parameters.MaxLength == 0 ? model.MaxLength : parameters.MaxLength;
        Pooling = (NativePooling)parameters.Pooling;
        Truncate = parameters.Truncate != 0;
        Windows = parameters.Windows != 0;
        _tokenizer = new BertTokenizer(model.Vocabulary, model.TokenizerOptions(MaxLength, Truncate));
        _ids = new int[MaxLength];
        _typeIds = new int[MaxLength];
        Model = model;
        _runtime = CreateRuntimeSession();
        model.AddReference();
    }

    /// <summary>The model this session runs.</summary>
    public NativeModel Model { get; }

    /// <summary>Kernel threads.</summary>
    public int Threads { get; }

    /// <summary>Longest sequence in tokens, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; }

    /// <summary>Pooling of <c>edgebert_session_embed</c>.</summary>
    public NativePooling Pooling { get; }

    /// <summary>Whether over-long text is cut (else it fails with INPUT_TOO_LONG).</summary>
    public bool Truncate { get; }

    /// <summary>Whether classify reads over-long text whole over windows (when <see cref="Truncate"/>; else it fails).</summary>
    public bool Windows { get; }

    private static void Validate(NativeSessionParams p, NativeModel model)
    {
        if (p.StructSize < NativeSessionParams.Version1Size)
        {
            throw new ArgumentException($"params.struct_size is {p.StructSize}; at least {NativeSessionParams.Version1Size} (use edgebert_session_default_params()).", "params");
        }
        if (p.Threads < 0 || p.Threads > SessionOptions.MaxThreads)
        {
            throw new ArgumentOutOfRangeException("params.threads", p.Threads, $"threads must be 0 (one per core) to {SessionOptions.MaxThreads}.");
        }
        // 3 tokens: [CLS], at least one piece of text, [SEP].
        if (p.MaxLength != 0 && (p.MaxLength < 3 || p.MaxLength > model.MaxLength))
        {
            throw new ArgumentOutOfRangeException("params.max_length", p.MaxLength, $"max_length must be 0 (the model's) or 3 to {model.MaxLength} tokens.");
        }
        if (!Enum.IsDefined((NativePooling)p.Pooling))
        {
            throw new ArgumentOutOfRangeException("params.pooling", p.Pooling, "pooling must be an edgebert_pooling value (0 to 3).");
        }
        // A flag, not a count: 2 or -1 is a caller's bug (an uninitialized field), never "true".
        if (p.Truncate is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException("params.truncate", p.Truncate, "truncate must be 0 (fail with INPUT_TOO_LONG) or 1 (cut).");
        }
    }

    /// <summary>
    /// Tokenizes UTF-8 <paramref name="utf8"/> as classify does ([CLS] text [SEP], cut or failing at
    /// <see cref="MaxLength"/>) into <paramref name="ids"/>; returns the number of ids.
    /// </summary>
    /// <exception cref="BufferTooSmallException">With the number of ids needed.</exception>
    public int Tokenize(ReadOnlySpan<byte> utf8, Span<int> ids)
    {
        int count = TokenizeInternal(utf8, out _);
        if (ids.Length < count) throw new BufferTooSmallException("ids", ids.Length, count);
        _ids.AsSpan(0, count).CopyTo(ids);
        return count;
    }

    /// <summary>Decodes into the session's reused chars and tokenizes into its ids; returns the token count.</summary>
    private int TokenizeInternal(ReadOnlySpan<byte> utf8, out bool truncated)
    {
        ThrowIfFreed();
        int chars = NativeText.Decode(utf8, ref _chars);
        return _tokenizer.Encode(_chars.AsSpan(0, chars), _ids, _typeIds, out truncated);
    }

    private void ThrowIfFreed() => ObjectDisposedException.ThrowIf(_freed, this);

    /// <summary>Releases the session's reference on the model (idempotent).</summary>
    public void Free()
    {
        if (_freed) return;
        _freed = true;
        Model.Release();
    }
}
