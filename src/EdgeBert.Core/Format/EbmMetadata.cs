using System.Text.Json.Serialization;

namespace EdgeBert.Format;

/// <summary>
/// The typed metadata of an <c>.ebm</c> model, stored as UTF-8 JSON (camelCase names, see
/// docs/format.md). Immutable once built; the reader validates it before returning it.
/// Every non-nullable member is [JsonRequired] in the file: the source-generated deserializer
/// gives an absent init-only member default(T), not its initializer's value, so a silently
/// wrong value (lowercase = false, layerNormEps = 0) is turned into a clear format error.
/// </summary>
public sealed record EbmMetadata
{
    /// <summary>Sizes and variants of the BERT encoder.</summary>
    public required BertArchitecture Architecture { get; init; }

    /// <summary>One quantization scheme per encoder layer (count = <see cref="BertArchitecture.Layers"/>).</summary>
    public required IReadOnlyList<LayerScheme> Layers { get; init; }

    /// <summary>Class labels of the classifier head, in logit order; empty for an encoder-only model.</summary>
    [JsonRequired]
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>How text is normalised and split before WordPiece.</summary>
    [JsonRequired]
    public TokenizerOptions Tokenizer { get; init; } = new();

    /// <summary>Where the model came from.</summary>
    [JsonRequired]
    public Provenance Provenance { get; init; } = new();

    /// <summary>
    /// How the reported probabilities are calibrated, optional: absent (null) in every file written
    /// before it existed, which reads as temperature 1 (the plain softmax).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Calibration? Calibration { get; init; }
}

/// <summary>Temperature scaling of the classifier's probabilities (Guo et al., 2017): softmax(logits / T).</summary>
public sealed record Calibration
{
    /// <summary>T &gt; 0, fitted on the dev split by minimising the negative log-likelihood; 1 changes nothing.</summary>
    [JsonRequired]
    public double Temperature { get; init; } = 1.0;

    /// <summary>What T was fitted on (e.g. "spam dev, 578 mails, windows mean-logits"), if given.</summary>
    public string? FittedOn { get; init; }
}

/// <summary>Sizes and variants of a BERT encoder.</summary>
public sealed record BertArchitecture
{
    /// <summary>WordPiece vocabulary size V; equals the number of tokens stored in the file.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Hidden size H.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of encoder layers L.</summary>
    public required int Layers { get; init; }

    /// <summary>Attention heads; divides <see cref="HiddenSize"/> unless <see cref="HeadSize"/> is given.</summary>
    public required int Heads { get; init; }

    /// <summary>
    /// Dimensions per attention head d, optional: absent (null) means HiddenSize / Heads, as in
    /// every file written before it existed. A width-pruned model (BinaryBERT's half-width
    /// DynaBERT student) keeps its teacher's head size with fewer heads, so the attention width
    /// Heads·d may differ from HiddenSize: Q, K, V are [Heads·d, H] and the attention output [H, Heads·d].
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? HeadSize { get; init; }

    /// <summary>The effective head size: <see cref="HeadSize"/>, or HiddenSize / Heads when absent.</summary>
    [JsonIgnore]
    public int HeadDim => HeadSize ?? HiddenSize / Math.Max(Heads, 1);

    /// <summary>The attention width Heads · <see cref="HeadDim"/> (the Q/K/V output size).</summary>
    [JsonIgnore]
    public int AttentionWidth => Heads * HeadDim;

    /// <summary>Intermediate (FFN) size F.</summary>
    public required int FfnSize { get; init; }

    /// <summary>Position embeddings P: the longest input in tokens.</summary>
    public required int MaxPositions { get; init; }

    /// <summary>Token-type (segment) vocabulary T.</summary>
    [JsonRequired]
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>FFN activation.</summary>
    [JsonRequired]
    public FfnActivation Activation { get; init; } = FfnActivation.Gelu;

    /// <summary>Attention variant.</summary>
    [JsonRequired]
    public AttentionKind Attention { get; init; } = AttentionKind.Softmax;

    /// <summary>LayerNorm epsilon.</summary>
    [JsonRequired]
    public float LayerNormEps { get; init; } = 1e-12f;

    /// <summary>How the sequence is reduced to one vector for the head.</summary>
    [JsonRequired]
    public PoolingKind Pooling { get; init; } = PoolingKind.Pooler;
}

/// <summary>FFN activation function.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FfnActivation>))]
public enum FfnActivation
{
    /// <summary>GELU (erf form, as in BERT).</summary>
    [JsonStringEnumMemberName("gelu")] Gelu,

    /// <summary>ReLU.</summary>
    [JsonStringEnumMemberName("relu")] Relu,
}

/// <summary>Attention variant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttentionKind>))]
public enum AttentionKind
{
    /// <summary>Scaled dot-product attention with softmax.</summary>
    [JsonStringEnumMemberName("softmax")] Softmax,

    /// <summary>BiBERT's Bi-Attention: binarized Q, K, V and the bool function instead of softmax.</summary>
    [JsonStringEnumMemberName("bi-attention")] BiAttention,
}

/// <summary>Sequence pooling for the task head.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PoolingKind>))]
public enum PoolingKind
{
    /// <summary>BERT pooler: tanh(W·h[CLS] + b) with <c>pooler.weight</c>/<c>pooler.bias</c>.</summary>
    [JsonStringEnumMemberName("pooler")] Pooler,

    /// <summary>The [CLS] hidden state as is.</summary>
    [JsonStringEnumMemberName("cls")] Cls,

    /// <summary>Mean of the hidden states over the non-padding tokens.</summary>
    [JsonStringEnumMemberName("mean")] Mean,
}

/// <summary>Quantization method (the paper whose recipe produced the weights).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuantMethod>))]
public enum QuantMethod
{
    /// <summary>Full precision, no quantization.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>TernaryBERT (TWN/LAT ternary weights, symmetric 8-bit activations).</summary>
    [JsonStringEnumMemberName("ternarybert")] TernaryBert,

    /// <summary>BinaryBERT (ternary weight splitting into binary weights).</summary>
    [JsonStringEnumMemberName("binarybert")] BinaryBert,

    /// <summary>BiBERT (binary weights and activations, Bi-Attention, DMD).</summary>
    [JsonStringEnumMemberName("bibert")] BiBert,

    /// <summary>Two-stage progressive quantization (Le et al., 2022).</summary>
    [JsonStringEnumMemberName("two-stage")] TwoStage,
}

/// <summary>Bit widths and method of one encoder layer's linear layers.</summary>
public sealed record LayerScheme
{
    /// <summary>Bits per weight: 1 (binary), 2 (ternary), 4, 8, 16 or 32.</summary>
    [JsonRequired]
    public int WeightBits { get; init; } = 32;

    /// <summary>Bits per activation entering the layer's linear layers: 1, 2, 4, 8, 16 or 32.</summary>
    [JsonRequired]
    public int ActivationBits { get; init; } = 32;

    /// <summary>The quantization method used for this layer.</summary>
    [JsonRequired]
    public QuantMethod Method { get; init; } = QuantMethod.None;

    /// <summary>Bit widths a scheme may name.</summary>
    public static IReadOnlyList<int> AllowedBits { get; } = [1, 2, 4, 8, 16, 32];
}

/// <summary>Tokenizer options (BERT BasicTokenizer + WordPiece).</summary>
public sealed record TokenizerOptions
{
    /// <summary>Lower-case the input.</summary>
    [JsonRequired]
    public bool Lowercase { get; init; } = true;

    /// <summary>Remove accents (NFD, drop combining marks).</summary>
    [JsonRequired]
    public bool StripAccents { get; init; } = true;

    /// <summary>Put spaces around CJK ideographs so each becomes a word.</summary>
    [JsonRequired]
    public bool TokenizeChineseChars { get; init; } = true;

    /// <summary>Longest encoded sequence in tokens, [CLS] and [SEP] included; at most MaxPositions.</summary>
    [JsonRequired]
    public int MaxLength { get; init; } = 128;

    /// <summary>Words longer than this many characters become the unknown token.</summary>
    [JsonRequired]
    public int MaxCharsPerWord { get; init; } = 100;

    /// <summary>Prefix of WordPiece continuation pieces.</summary>
    [JsonRequired]
    public string ContinuationPrefix { get; init; } = "##";

    /// <summary>Unknown token.</summary>
    [JsonRequired]
    public string UnkToken { get; init; } = "[UNK]";

    /// <summary>Classification (start) token.</summary>
    [JsonRequired]
    public string ClsToken { get; init; } = "[CLS]";

    /// <summary>Separator token.</summary>
    [JsonRequired]
    public string SepToken { get; init; } = "[SEP]";

    /// <summary>Padding token.</summary>
    [JsonRequired]
    public string PadToken { get; init; } = "[PAD]";

    /// <summary>Mask token (masked language modelling).</summary>
    [JsonRequired]
    public string MaskToken { get; init; } = "[MASK]";
}

/// <summary>Where a model came from: who trained it, how, and how well it scored.</summary>
public sealed record Provenance
{
    /// <summary>Version of the trainer that wrote the file.</summary>
    [JsonRequired]
    public string TrainerVersion { get; init; } = "";

    /// <summary>Overall quantization method.</summary>
    [JsonRequired]
    public QuantMethod Method { get; init; } = QuantMethod.None;

    /// <summary>Task or data set the head was trained on (e.g. "spam-assassin"), if any.</summary>
    public string? Task { get; init; }

    /// <summary>Name of the metric the scores are in (e.g. "accuracy").</summary>
    public string? Metric { get; init; }

    /// <summary>Score of the full-precision teacher, if distilled.</summary>
    public double? TeacherScore { get; init; }

    /// <summary>Score of this (student) model.</summary>
    public double? StudentScore { get; init; }

    /// <summary>Free text (e.g. "random weights: for testing only").</summary>
    public string? Notes { get; init; }
}
