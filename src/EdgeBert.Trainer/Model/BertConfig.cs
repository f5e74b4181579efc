using System.Text.Json.Serialization;

namespace EdgeBert.Trainer.Model;

/// <summary>
/// The size and regularisation of a trainer BERT model, plus what the exporter needs to describe
/// it (labels, tokenizer casing and the sequence length it was trained with). Saved as
/// <c>config.json</c> in every model and checkpoint directory.
/// </summary>
public sealed record BertConfig
{
    /// <summary>WordPiece vocabulary size.</summary>
    public int VocabSize { get; init; }

    /// <summary>Hidden size H.</summary>
    public int Hidden { get; init; } = 256;

    /// <summary>Encoder layers.</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Attention heads (divides <see cref="Hidden"/> unless <see cref="HeadSize"/> is set).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>
    /// Dimensions per attention head; 0 (the default, and what older config.json files mean)
    /// is Hidden / Heads. A width-pruned student (DynaBERT, BinaryBERT's half-width model) keeps
    /// the teacher's head size with fewer heads, so Heads × HeadSize may differ from Hidden.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int HeadSize { get; init; }

    /// <summary>
    /// FFN activation: "gelu" (erf form, the default) or "relu" (BinaryBERT W1A4). Null (a
    /// config.json written before the field existed, which the JSON reader leaves null) reads as "gelu".
    /// </summary>
    public string HiddenAct
    {
        get => hiddenAct;
        init => hiddenAct = value ?? "gelu";
    }

    private readonly string hiddenAct = "gelu";

    /// <summary>The effective head size: <see cref="HeadSize"/>, or Hidden / Heads when it is 0.</summary>
    [JsonIgnore]
    public int AttentionHeadSize => HeadSize > 0 ? HeadSize : Hidden / Math.Max(Heads, 1);

    /// <summary>FFN intermediate size F.</summary>
    public int Ffn { get; init; } = 1024;

    /// <summary>Position embeddings P (longest input).</summary>
    public int MaxPositions { get; init; } = 128;

    /// <summary>Token type (segment) embeddings T.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>Dropout after embeddings, attention output and FFN.</summary>
    public float HiddenDropout { get; init; } = 0.1f;

    /// <summary>Dropout on attention probabilities.</summary>
    public float AttentionDropout { get; init; } = 0.1f;

    /// <summary>LayerNorm epsilon (BERT: 1e-12).</summary>
    public float LayerNormEps { get; init; } = 1e-12f;

    /// <summary>Class labels in logit order; empty for an encoder without a classifier.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Whether the tokenizer lowercases (and strips accents), as BERT uncased.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Tokens per input (with [CLS] and [SEP]); at most <see cref="MaxPositions"/>.</summary>
    public int MaxSequenceLength { get; init; } = 128;

    /// <summary>The small configuration used for benchmarks: 4 layers, hidden 256, 4 heads, FFN 1024, sequence 128.</summary>
    public static BertConfig Small(int vocabSize) => new() { VocabSize = vocabSize };

    /// <summary>Checks every size; the message names the offending field.</summary>
    /// <exception cref="ArgumentException">A size or probability is out of range.</exception>
    public void Validate()
    {
        static void AtLeast(int value, int min, string name)
        {
            if (value < min) throw new ArgumentException($"model config: {name} must be at least {min} (got {value}).");
        }

        AtLeast(VocabSize, 5, "vocabSize");
        AtLeast(Hidden, 1, "hidden");
        AtLeast(Layers, 1, "layers");
        AtLeast(Heads, 1, "heads");
        AtLeast(Ffn, 1, "ffn");
        AtLeast(MaxPositions, 2, "maxPositions");
        AtLeast(TypeVocabSize, 1, "typeVocabSize");
        AtLeast(MaxSequenceLength, 2, "maxSequenceLength");
        if (HeadSize < 0) throw new ArgumentException($"model config: headSize must be at least 1, or 0 for hidden/heads (got {HeadSize}).");
        if (HeadSize == 0 && Hidden % Heads != 0) throw new ArgumentException($"model config: heads {Heads} must divide hidden {Hidden} (or set headSize).");
        if (HiddenAct is not ("gelu" or "relu")) throw new ArgumentException($"model config: hiddenAct must be \"gelu\" or \"relu\" (got \"{HiddenAct}\").");
        if (MaxSequenceLength > MaxPositions)
        {
            throw new ArgumentException($"model config: maxSequenceLength {MaxSequenceLength} exceeds maxPositions {MaxPositions}.");
        }

        if (!(HiddenDropout >= 0f && HiddenDropout < 1f)) throw new ArgumentException($"model config: hiddenDropout {HiddenDropout} is outside [0, 1).");
        if (!(AttentionDropout >= 0f && AttentionDropout < 1f)) throw new ArgumentException($"model config: attentionDropout {AttentionDropout} is outside [0, 1).");
        if (!(LayerNormEps > 0f)) throw new ArgumentException($"model config: layerNormEps {LayerNormEps} must be positive.");
        if (Labels.Count == 1) throw new ArgumentException("model config: a classifier needs at least 2 labels.");
        if (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count || Labels.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"model config: labels must be unique and non-empty (got {string.Join(",", Labels)}).");
        }
    }
}
