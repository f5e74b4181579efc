using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Text;

namespace EdgeBert.Runtime;

/// <summary>
/// A loaded model: the file is memory-mapped and validated (every checksum before Load returns),
/// weights are packed once for the kernels (the word embedding is read in place from the
/// mapping), and the result is immutable,
/// so one instance serves any number of <see cref="Session"/>s on any threads (as a whisper.cpp
/// context).
/// </summary>
public sealed class Model : IDisposable
{
    private readonly EbmFile _file;
    private bool _disposed;

    private Model(EbmFile file, ModelOptions options, ModelSideWork sideWork)
    {
        _file = file;
        Isa = options.Isa ?? KernelIsaSelector.Active;
        if (!KernelIsaSelector.IsSupported(Isa))
        {
            throw new PlatformNotSupportedException($"Kernel family {Isa} cannot run in this process (supported: {string.Join(", ", KernelIsaSelector.Supported)}).");
        }
        Source = file.Source;
        Metadata = file.Metadata;
        Temperature = (float)(Metadata.Calibration?.Temperature ?? 1.0);
        Encoder = new BertEncoder(file, Isa);
        Vocabulary = sideWork.TakeVocabulary();
        Schemes = Encoder.Schemes.ToArray();
    }

    /// <summary>Opens and validates a <c>.ebm</c> file (memory-mapped) and packs its weights.</summary>
    /// <exception cref="ModelFormatException">The file is invalid or does not fit the encoder (missing tensor, wrong shape or dtype, unsupported scheme).</exception>
    public static Model Load(string path, ModelOptions? options = null)
    {
        var file = EbmFile.Open(path, verifyChecksums: false);
        return Create(file, options);
    }

    /// <summary>Loads a model from bytes in memory (the C ABI's load-from-memory).</summary>
    /// <exception cref="ModelFormatException">As <see cref="Load(string, ModelOptions?)"/>.</exception>
    public static Model Load(ReadOnlyMemory<byte> bytes, ModelOptions? options = null) => Load(bytes, "<memory>", options);

    /// <summary>Loads a model from bytes in memory; <paramref name="name"/> is its <see cref="Source"/> in messages (e.g. "&lt;embedded default model&gt;").</summary>
    /// <exception cref="ModelFormatException">As <see cref="Load(string, ModelOptions?)"/>.</exception>
    public static Model Load(ReadOnlyMemory<byte> bytes, string name, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var file = EbmFile.Load(bytes, name, verifyChecksums: false);
        return Create(file, options);
    }

    /// <summary>Below this many bytes of tensor data, checksums are verified on the caller's thread.</summary>
    internal const long ConcurrentVerificationBytes = ModelSideWork.ConcurrentBytes;

    /// <summary>
    /// Builds the model from a structurally validated file (header, sections, directory and their
    /// checksums are checked by then) and verifies every tensor's checksum and packing before it
    /// returns, as before; but for a large model on a multi-core machine the verification and the
    /// vocabulary run on a second thread while this one packs the weights
    /// (<see cref="ModelSideWork"/>), because reading every byte of the file once (the word
    /// embedding above all, of which a short text uses a few rows) is the largest part of a cold
    /// start. A checksum failure wins over any error the construction met on the same damaged
    /// data, as when verification came first.
    /// </summary>
    private static Model Create(EbmFile file, ModelOptions? options)
    {
        options ??= new ModelOptions();
        var sideWork = new ModelSideWork(file, options.VerifyChecksums);
        Model? model = null;
        try
        {
            sideWork.Start();
            model = new Model(file, options, sideWork);
            sideWork.ThrowIfVerificationFailed();
            return model;
        }
        catch
        {
            // The second thread reads the mapping: it must finish before the file is unmapped.
            try
            {
                sideWork.ThrowIfVerificationFailed();
            }
            finally
            {
                if (model is not null) model.Dispose();
                else file.Dispose();
            }
            throw;
        }
    }

    /// <summary>Where the model came from (a path or "&lt;memory&gt;").</summary>
    public string Source { get; }

    /// <summary>The file's validated metadata.</summary>
    public EbmMetadata Metadata { get; }

    /// <summary>The kernels' instruction-set family.</summary>
    public KernelIsa Isa { get; }

    /// <summary>The tokenizer vocabulary.</summary>
    public WordPieceVocabulary Vocabulary { get; }

    /// <summary>Class labels in logit order (empty for an encoder-only model).</summary>
    public IReadOnlyList<string> Labels => Metadata.Labels;

    /// <summary>Hidden size H (length of an embedding).</summary>
    public int HiddenSize => Metadata.Architecture.HiddenSize;

    /// <summary>Longest sequence in tokens, [CLS] and [SEP] included.</summary>
    public int MaxLength => Math.Min(Metadata.Tokenizer.MaxLength, Metadata.Architecture.MaxPositions);

    /// <summary>
    /// The calibration temperature T of the reported probabilities, softmax(logits / T): the
    /// metadata's <c>calibration.temperature</c>, 1 for a file without one (<see cref="Probabilities"/>).
    /// </summary>
    public float Temperature { get; }

    /// <summary>The scheme of every layer.</summary>
    public IReadOnlyList<LinearScheme> Schemes { get; }

    internal BertEncoder Encoder { get; }

    /// <summary>A new session (scratch buffers for one thread at a time).</summary>
    public Session CreateSession(SessionOptions? options = null) => new(this, options);

    /// <summary>Tokenizer options from the metadata, with the given truncation.</summary>
    internal BertTokenizerOptions TokenizerOptions(OverlongInput overlong) => new()
    {
        Lowercase = Metadata.Tokenizer.Lowercase,
        StripAccents = Metadata.Tokenizer.StripAccents,
        HandleChineseCharacters = Metadata.Tokenizer.TokenizeChineseChars,
        MaxLength = MaxLength,
        MaxInputCharsPerWord = Metadata.Tokenizer.MaxCharsPerWord,
        Truncation = overlong == OverlongInput.Fail ? TruncationStrategy.Fail : TruncationStrategy.LongestFirst,
    };

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>
    /// Unmaps the file (the word embedding is read from it in place). Sessions then throw
    /// <see cref="ObjectDisposedException"/>; do not dispose while a session is running.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        _file.Dispose();
    }
}
