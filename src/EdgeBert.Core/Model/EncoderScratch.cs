using EdgeBert.Kernels.Packing;

namespace EdgeBert.Encoder;

/// <summary>All buffers one forward pass needs, sized once for the longest sequence (one per session).</summary>
internal sealed class EncoderScratch
{
    public EncoderScratch(int maxTokens, int hidden, int ffn, int heads, int labels)
    {
        MaxTokens = maxTokens;
        int th = maxTokens * hidden, signWords = BinaryLayout.MatrixWords(maxTokens, hidden);
        Hidden = new float[th];
        Query = new float[th];
        Key = new float[th];
        Value = new float[th];
        Context = new float[th];
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
        Linear = new LinearScratch(maxTokens, Math.Max(hidden, ffn));
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
