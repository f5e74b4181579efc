using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Native;

/// <summary>
/// The object behind an <c>edgebert_model*</c>: a validated, memory-mapped model shared by any
/// number of sessions on any threads. It is reference-counted (the handle plus one per session)
/// so that freeing the model while sessions still exist cannot unmap memory they read: the file
/// is unmapped when the last of them goes.
/// </summary>
public sealed class NativeModel
{
    private int _references = 1;

    private NativeModel(Model model)
    {
        Runtime = model;
    }

    /// <summary>Memory-maps and validates the model at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">Missing, unreadable (IO) or invalid (format) file.</exception>
    public static NativeModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new NativeModel(Model.Load(path));
    }

    /// <summary>Validates a model held in memory; the bytes are copied, so the caller may free them on return.</summary>
    /// <exception cref="ModelFormatException">The bytes are not a valid model.</exception>
    public static NativeModel Load(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) throw new ArgumentException("The model buffer is empty.", nameof(bytes));
        return new NativeModel(Model.Load(bytes.ToArray()));
    }

    /// <summary>The runtime model (encoder, packed weights) that sessions run.</summary>
    internal Model Runtime { get; }

    /// <summary>The file's validated metadata.</summary>
    public EbmMetadata Metadata => Runtime.Metadata;

    /// <summary>The tokenizer vocabulary.</summary>
    public WordPieceVocabulary Vocabulary => Runtime.Vocabulary;

    /// <summary>Class labels in logit order.</summary>
    public IReadOnlyList<string> Labels => Metadata.Labels;

    /// <summary>Longest sequence in tokens, [CLS] and [SEP] included .</summary>
    public int MaxLength => Runtime.MaxLength;

    /// <summary>Whether the model has been released by its handle and all its sessions.</summary>
    public bool IsReleased => Volatile.Read(ref _references) <= 0;

    /// <summary>The shape of the model (<c>edgebert_model_info</c>).</summary>
    public NativeModelInfo Info => new()
    {
        StructSize = NativeModelInfo.Version1Size,
        HiddenSize = Metadata.Architecture.HiddenSize,
        LabelCount = Labels.Count,
        MaxLength = MaxLength,
        VocabSize = Vocabulary.Count,
        Layers = Metadata.Architecture.Layers,
        Pooling = Metadata.Architecture.Pooling switch
        {
            PoolingKind.Pooler => (int)NativePooling.Pooler,
            PoolingKind.Cls => (int)NativePooling.Cls,
            _ => (int)NativePooling.Mean,
        },
    };

    /// <summary>Writes label <paramref name="index"/> as NUL-terminated UTF-8; returns the bytes needed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such label.</exception>
    /// <exception cref="BufferTooSmallException">With the bytes needed.</exception>
    public int CopyLabel(int index, Span<byte> destination)
    {
        if ((uint)index >= (uint)Labels.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The model has {Labels.Count} labels.");
        }
        return NativeText.CopyTerminated(Labels[index], destination, "label");
    }

    /// <summary>
    /// Tokenizer options from the metadata, exactly as the runtime builds them, with the session's
    /// maximum length and over-long behaviour.
    /// </summary>
    internal BertTokenizerOptions TokenizerOptions(int maxLength, bool truncate) => new()
    {
        Lowercase = Metadata.Tokenizer.Lowercase,
        StripAccents = Metadata.Tokenizer.StripAccents,
        HandleChineseCharacters = Metadata.Tokenizer.TokenizeChineseChars,
        MaxLength = maxLength,
        MaxInputCharsPerWord = Metadata.Tokenizer.MaxCharsPerWord,
        Truncation = truncate ? TruncationStrategy.LongestFirst : TruncationStrategy.Fail,
    };

    /// <summary>Takes a reference for a new session.</summary>
    /// <exception cref="ObjectDisposedException">The model was already released.</exception>
    internal void AddReference()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            ObjectDisposedException.ThrowIf(current <= 0, this);
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
    }

    /// <summary>Drops a reference (the handle's or a session's); the last one unmaps the file.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) Runtime.Dispose();
    }
}
