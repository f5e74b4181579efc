using BenchmarkDotNet.Attributes;
using EdgeBert.Benchmarks.Kernels;
using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Benchmarks.Runtime;

/// <summary>
/// End-to-end classification of one 128-token sequence with a BERT-base-shaped random model
/// (12 layers, hidden 768, 12 heads, FFN 3072) in each scheme, one thread, the active kernels.
/// W1A1 uses Bi-Attention and a binary word embedding, as BiBERT; the others softmax attention.
/// Token ids are given directly, so tokenization is not measured.
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
public class EncoderBenchmarks
{
    private const int Tokens = 128;
    private Model? _model;
    private Session? _session;
    private int[] _ids = [];
    private float[] _logits = [];

    /// <summary>The scheme of every layer.</summary>
    [Params(LinearScheme.Fp32, LinearScheme.W8A8, LinearScheme.W2A8, LinearScheme.W1A8, LinearScheme.W1A4, LinearScheme.W1A1)]
    public LinearScheme Scheme { get; set; }

    /// <summary>Builds the model in memory and warms the session up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = Model.Load(BuildModel(Scheme));
        _session = _model.CreateSession();
        var random = new Random(7);
        _ids = Enumerable.Range(0, Tokens).Select(_ => random.Next(5, 1000)).ToArray();
        _ids[0] = 2;
        _ids[^1] = 3;
        _logits = new float[2];
        _session.ClassifyTokens(_ids, default, _logits);
    }

    /// <summary>Releases the model.</summary>
    [GlobalCleanup]
    public void Cleanup() => _model?.Dispose();

    /// <summary>One forward pass and the classifier.</summary>
    [Benchmark]
    public int Classify128() => _session!.ClassifyTokens(_ids, default, _logits).Label;

    private static byte[] BuildModel(LinearScheme scheme)
    {
        const int h = 768, f = 3072, layers = 12, vocab = 1000, positions = 512;
        bool bibert = scheme == LinearScheme.W1A1;
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        for (int i = tokens.Count; i < vocab; i++) tokens.Add($"t{i}");
        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture
            {
                VocabSize = vocab, HiddenSize = h, Layers = layers, Heads = 12, FfnSize = f, MaxPositions = positions,
                Attention = bibert ? AttentionKind.BiAttention : AttentionKind.Softmax,
            },
            Layers = Enumerable.Repeat(LinearSchemes.ToLayer(scheme), layers).ToArray(),
            Labels = ["ham", "spam"],
            Tokenizer = new TokenizerOptions { MaxLength = positions },
        };
        var writer = new EbmWriter(metadata, tokens);
        var random = new Random(1);
        float[] Uniform(int count, float scale)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++) values[i] = ((float)random.NextDouble() - 0.5f) * scale;
            return values;
        }
        void Linear(string prefix, LinearScheme s, int rows, int columns) =>
            LinearExporter.AddLinear(writer, prefix, s, Uniform(rows * columns, 0.1f), rows, columns, Uniform(rows, 0.1f));
        void LayerNorm(string prefix)
        {
            writer.AddF32($"{prefix}.gamma", [h], Enumerable.Repeat(1f, h).ToArray());
            writer.AddF32($"{prefix}.beta", [h], new float[h]);
        }
        float[] word = Uniform(vocab * h, 1f);
        if (bibert) LinearExporter.AddBinaryRows(writer, "embeddings.word", word, vocab, h);
        else writer.AddF32("embeddings.word", [vocab, h], word);
        writer.AddF32("embeddings.position", [positions, h], Uniform(positions * h, 0.2f));
        writer.AddF32("embeddings.token_type", [2, h], Uniform(2 * h, 0.2f));
        LayerNorm("embeddings.ln");
        for (int i = 0; i < layers; i++)
        {
            foreach (string part in new[] { "query", "key", "value", "output" }) Linear($"layer.{i}.attention.{part}", scheme, h, h);
            LayerNorm($"layer.{i}.attention.ln");
            Linear($"layer.{i}.ffn.in", scheme, f, h);
            Linear($"layer.{i}.ffn.out", scheme, h, f);
            LayerNorm($"layer.{i}.ffn.ln");
        }
        Linear("pooler", scheme, h, h);
        Linear("classifier", LinearScheme.Fp32, 2, h);
        return writer.ToArray();
    }
}
