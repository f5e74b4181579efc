using EdgeBert.Kernels.Packing;

namespace EdgeBert.Encoder;

/// <summary>All buffers one forward pass needs, sized once for the longest sequence (one per session).</summary>
internal sealed class EncoderScratch
{
    /// <param name="maxTokens">Longest sequence.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="ffn">FFN size.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="labels">Classifier labels.</param>
    /// <param name="attentionWidth">Heads × head size (the Q/K/V/context width); 0 means H.</param>
    public EncoderScratch(int maxTokens, int hidden, int ffn, int heads, int labels, int attentionWidth = 0)
    {
        MaxTokens = maxTokens;
        int width = attentionWidth > 0 ? attentionWidth : hidden;
        int th = maxTokens * hidden, ta = maxTokens * width, signWords = BinaryLayout.MatrixWords(maxTokens, hidden);
        Hidden = new float[th];
        Query = new float[ta];
        Key = new float[ta];
        Value = new float[ta];
        Context = new float[ta];
        Sum = new float[th];
        Ffn = new float[maxTokens * ffn];
        Scores = new float[maxTokens * maxTokens];
        InputSigns = new ulong[signWords];
        QuerySigns = new ulong[signWords];
        KeySigns = new ulong[signWords];
        ValueSigns = new ulong[signWords];
        BiAttention = new ulong[Encoder.BiAttention.ScratchWords(maxTokens, hidden, heads)];
        Pooled = new float[hidden];
        PoolerOutput = new float[hidden];
        Logits = new float[Math.Max(labels, 1)];
        Linear = new LinearScratch(maxTokens, Math.Max(Math.Max(hidden, ffn), width));
    }

    public int MaxTokens { get; }
    public float[] Hidden { get; }
    public float[] Query { get; }
    public float[] Key { get; }
    public float[] Value { get; }
    public float[] Context { get; }
    public float[] Sum { get; }
    public float[] Ffn { get; }
    public float[] Scores { get; }
    public ulong[] InputSigns { get; }
    public ulong[] QuerySigns { get; }
    public ulong[] KeySigns { get; }
    public ulong[] ValueSigns { get; }
    public ulong[] BiAttention { get; }
    public float[] Pooled { get; }
    public float[] PoolerOutput { get; }
    public float[] Logits { get; }
    public LinearScratch Linear { get; }
}
