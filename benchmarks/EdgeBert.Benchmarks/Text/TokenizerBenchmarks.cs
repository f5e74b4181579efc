using BenchmarkDotNet.Attributes;
using EdgeBert.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace EdgeBert.Benchmarks.Text;

/// <summary>
/// Our BERT tokenizer against Microsoft.ML.Tokenizers 3.0.0's <c>BertTokenizer</c> (issue 14,
/// docs/tokenizer.md): one uncased encoding with [CLS]/[SEP] of an English e-mail paragraph that
/// both tokenize identically (ASCII, no symbols), same vocabulary (the golden fixture's), allocated
/// bytes per call. Divide the mean by <see cref="Tokens"/> for ns/token. Ours is the baseline.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private const string Sentence =
        "Hi Jane, please find attached the report for the third quarter. Sales grew by 12% in Europe, " +
        "while the American market stayed flat (see page 4). Could you review it before Friday's meeting? " +
        "Thanks, and let me know if anything is unclear - John. ";

    private BertTokenizer _ours = null!;
    private Ml.BertTokenizer _ml = null!;
    private string _text = "";
    private int[] _ids = [], _typeIds = [];

    /// <summary>Copies of the paragraph: about 50, 200 and 800 tokens.</summary>
    [Params(1, 4, 16)]
    public int Paragraphs { get; set; } = 1;

    /// <summary>Tokens per encoding (both tokenizers), set by <see cref="Setup"/>.</summary>
    public int Tokens { get; private set; }

    /// <summary>Loads the vocabulary into both tokenizers and checks they agree on the text.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using (Stream vocab = OpenVocabulary()) _ours = new BertTokenizer(WordPieceVocabulary.Load(vocab), new BertTokenizerOptions { MaxLength = null });
        using (Stream vocab = OpenVocabulary()) _ml = Ml.BertTokenizer.Create(vocab, new Ml.BertOptions { LowerCaseBeforeTokenization = true });
        _text = string.Concat(Enumerable.Repeat(Sentence, Paragraphs));
        int[] ours = _ours.Encode(_text).Ids.ToArray();
        int[] ml = [.. _ml.EncodeToIds(_text)];
        if (!ours.SequenceEqual(ml)) throw new InvalidOperationException("The two tokenizers disagree on the benchmark text.");
        Tokens = ours.Length;
        _ids = new int[Tokens];
        _typeIds = new int[Tokens];
        Console.WriteLine($"// tokens per encoding: {Tokens}");
    }

    private static Stream OpenVocabulary() =>
        typeof(TokenizerBenchmarks).Assembly.GetManifestResourceStream("EdgeBert.Benchmarks.Text.vocab.txt")
        ?? throw new InvalidOperationException("The embedded vocabulary is missing.");

    /// <summary>Ours, span API into caller buffers (what the runtime and the C ABI use).</summary>
    [Benchmark(Baseline = true)]
    public int OursIntoBuffers() => _ours.Encode(_text.AsSpan(), _ids, _typeIds, out _);

    /// <summary>Ours, string API (ids, type ids, mask and offsets as new arrays).</summary>
    [Benchmark]
    public int OursEncoding() => _ours.Encode(_text).Ids.Length;

    /// <summary>Microsoft.ML.Tokenizers: ids with [CLS]/[SEP] as a new list.</summary>
    [Benchmark]
    public int MlEncodeToIds() => _ml.EncodeToIds(_text).Count;
}
