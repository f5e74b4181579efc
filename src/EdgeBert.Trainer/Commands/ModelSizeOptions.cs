using System.CommandLine;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Commands;

/// <summary>The options that size a new model (defaults: the small configuration, 4 × 256, 4 heads, FFN 1024, sequence 128).</summary>
internal sealed class ModelSizeOptions
{
    public Option<int> Layers { get; } = CommandSupport.Option("--layers", "Encoder layers of a new model.", 4);

    public Option<int> Hidden { get; } = CommandSupport.Option("--hidden", "Hidden size of a new model.", 256);

    public Option<int> Heads { get; } = CommandSupport.Option("--heads", "Attention heads of a new model.", 4);

    public Option<int> Ffn { get; } = CommandSupport.Option("--ffn", "FFN size of a new model.", 1024);

    public Option<int> SeqLen { get; } = CommandSupport.Option("--seq-len", "Tokens per input, with [CLS] and [SEP] (longer inputs are truncated).", 128);

    public Option<float> Dropout { get; } = CommandSupport.Option("--dropout", "Hidden and attention dropout of a new model.", 0.1f);

    public Option<bool> Cased { get; } = new("--cased") { Description = "Keep case (default: lowercase, as BERT uncased)." };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Layers, Hidden, Heads, Ffn, SeqLen, Dropout, Cased }) command.Options.Add(o);
    }

    /// <summary>A new model's configuration from the parsed options.</summary>
    public BertConfig Config(ParseResult parse, int vocabSize, IReadOnlyList<string> labels)
    {
        int seqLen = parse.GetValue(SeqLen);
        var config = new BertConfig
        {
            VocabSize = vocabSize,
            Layers = parse.GetValue(Layers),
            Hidden = parse.GetValue(Hidden),
            Heads = parse.GetValue(Heads),
            Ffn = parse.GetValue(Ffn),
            MaxPositions = Math.Max(seqLen, 2),
            MaxSequenceLength = seqLen,
            HiddenDropout = parse.GetValue(Dropout),
            AttentionDropout = parse.GetValue(Dropout),
            Lowercase = !parse.GetValue(Cased),
            Labels = labels,
        };
        config.Validate();
        return config;
    }
}
