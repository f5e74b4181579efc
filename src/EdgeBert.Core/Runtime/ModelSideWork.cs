using System.Runtime.ExceptionServices;
using EdgeBert.Format;
using EdgeBert.Text;

namespace EdgeBert.Runtime;

/// <summary>
/// The parts of <see cref="Model"/> loading that do not depend on weight packing: verifying every
/// tensor's checksum and packing invariants, then building the tokenizer vocabulary. For a large
/// model on a multi-core machine they run on a second thread while the caller packs the weights
/// (packing, checksums and the vocabulary are the three largest costs of a cold start); otherwise
/// on the caller's thread, in the original order. Either way the order in which failures are
/// reported is the sequential one: a checksum failure first, then packing errors, then
/// vocabulary errors.
/// </summary>
internal sealed class ModelSideWork
{
    /// <summary>Below this many bytes of tensor data, everything runs on the caller's thread.</summary>
    internal const long ConcurrentBytes = 1 << 20;

    private readonly EbmFile _file;
    private readonly bool _verify;
    private Thread? _thread;
    private ExceptionDispatchInfo? _verifyFailure, _vocabularyFailure;
    private WordPieceVocabulary? _vocabulary;

    internal ModelSideWork(EbmFile file, bool verifyChecksums)
    {
        _file = file;
        _verify = verifyChecksums;
    }

    /// <summary>Whether <see cref="Start"/> ran the work on a second thread.</summary>
    internal bool IsConcurrent => _thread is not null;

    /// <summary>
    /// Starts the work: on a second thread when worthwhile, else verifies at once (the
    /// vocabulary is then built by <see cref="TakeVocabulary"/>).
    /// </summary>
    /// <exception cref="ModelFormatException">Sequential mode: a checksum failed.</exception>
    internal void Start()
    {
        if (Environment.ProcessorCount > 1 && _file.Tensors.Sum(t => t.Length) >= ConcurrentBytes)
        {
            _thread = new Thread(() =>
            {
                Verify();
                if (_verifyFailure is null) BuildVocabulary();
            }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "edgebert-load" };
            try
            {
                _thread.Start();
                return;
            }
            catch (Exception e) when (e is ThreadStartException or OutOfMemoryException)
            {
                // No second thread to be had (a process at its thread limit): do it all here.
                _thread = null;
            }
        }
        Verify();
        _verifyFailure?.Throw();
    }

    /// <summary>The vocabulary, once the checksums have passed (waits for the second thread).</summary>
    internal WordPieceVocabulary TakeVocabulary()
    {
        ThrowIfVerificationFailed();
        if (_thread is null && _vocabulary is null && _vocabularyFailure is null) BuildVocabulary();
        _vocabularyFailure?.Throw();
        return _vocabulary!;
    }

    /// <summary>Waits for the second thread (it reads the file: join before unmapping) and rethrows a checksum failure.</summary>
    internal void ThrowIfVerificationFailed()
    {
        _thread?.Join();
        _verifyFailure?.Throw();
    }

    private void Verify()
    {
        if (!_verify) return;
        try
        {
            _file.VerifyTensors();
        }
        catch (Exception e)
        {
            _verifyFailure = ExceptionDispatchInfo.Capture(e);
        }
    }

    private void BuildVocabulary()
    {
        try
        {
            _vocabulary = WordPieceVocabulary.FromLines(_file.Vocabulary);
        }
        catch (Exception e)
        {
            _vocabularyFailure = ExceptionDispatchInfo.Capture(e);
        }
    }
}
