using System.Runtime.InteropServices;

namespace EdgeBert.Native;

/// <summary>How <c>edgebert_session_embed</c> reduces the hidden states to one vector (<c>edgebert_pooling</c>).</summary>
public enum NativePooling
{
    /// <summary>The model's own pooling (its metadata).</summary>
    Model = 0,
    /// <summary>The BERT pooler, tanh(W·h[CLS] + b); only for models whose pooling is the pooler.</summary>
    Pooler = 1,
    /// <summary>The [CLS] hidden state.</summary>
    Cls = 2,
    /// <summary>The mean of the hidden states of all tokens ([CLS] and [SEP] included).</summary>
    Mean = 3,
}

/// <summary><c>edgebert_session_params</c>: by-value options of a session; the first field is the struct's size.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeSessionParams
{
    /// <summary>sizeof(edgebert_session_params) as the caller compiled it (ABI evolution).</summary>
    public nuint StructSize;
    /// <summary>Kernel threads; 0 = one per core. Default 1.</summary>
    public int Threads;
    /// <summary>Longest sequence in tokens ([CLS] and [SEP] included); 0 = the model's maximum. Default 0.</summary>
    public int MaxLength;
    /// <summary>A <see cref="NativePooling"/> value. Default <see cref="NativePooling.Model"/>.</summary>
    public int Pooling;
    /// <summary>Non-zero: over-long text is cut (embed, tokenize; classify too when <see cref="Windows"/> is 0) (default 1); zero: every call fails with INPUT_TOO_LONG.</summary>
    public int Truncate;
    /// <summary>
    /// ABI 2. Non-zero (default 1): classify reads text longer than max_length whole, over
    /// overlapping windows (the result's windows field says how many); zero: classify cuts it as
    /// <see cref="Truncate"/> says. Ignored when <see cref="Truncate"/> is 0 (then it fails).
    /// </summary>
    public int Windows;

    /// <summary>The size of version 1 of the struct (up to <see cref="Truncate"/>); smaller sizes are rejected, fields past a caller's size keep their defaults.</summary>
    public static unsafe nuint Version1Size => (nuint)sizeof(nuint) + 4 * sizeof(int);

    /// <summary>The size of this version of the struct.</summary>
    public static unsafe nuint CurrentSize => (nuint)sizeof(NativeSessionParams);

    /// <summary>The defaults (<c>edgebert_session_default_params()</c>).</summary>
    public static NativeSessionParams Default => new()
    {
        StructSize = CurrentSize,
        Threads = 1,
        MaxLength = 0,
        Pooling = (int)NativePooling.Model,
        Truncate = 1,
        Windows = 1,
    };
}

/// <summary><c>edgebert_classification</c>: the result of classifying one text.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeClassification
{
    /// <summary>Index of the highest logit (the first on ties).</summary>
    public int Label;
    /// <summary>Softmax probability of <see cref="Label"/>.</summary>
    public float Score;
    /// <summary>Tokens the encoder ran on, [CLS] and [SEP] included.</summary>
    public int TokenCount;
    /// <summary>1 when the text was cut to the session's maximum length, else 0.</summary>
    public int Truncated;
    /// <summary>ABI 2: the windows the text was classified over (1 when it fits or was cut).</summary>
    public int Windows;
}

/// <summary><c>edgebert_model_info</c>: the shape of a loaded model.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeModelInfo
{
    /// <summary>sizeof(edgebert_model_info) as the caller compiled it.</summary>
    public nuint StructSize;
    /// <summary>Hidden size H (floats in an embedding).</summary>
    public int HiddenSize;
    /// <summary>Class labels (floats in the logits); 0 for an encoder-only model.</summary>
    public int LabelCount;
    /// <summary>Longest sequence in tokens, [CLS] and [SEP] included.</summary>
    public int MaxLength;
    /// <summary>WordPiece vocabulary size.</summary>
    public int VocabSize;
    /// <summary>Encoder layers.</summary>
    public int Layers;
    /// <summary>The model's pooling as a <see cref="NativePooling"/> value (never Model).</summary>
    public int Pooling;

    /// <summary>The size of version 1 of the struct.</summary>
    public static unsafe nuint Version1Size => (nuint)sizeof(NativeModelInfo);
}

/// <summary><c>edgebert_encode_result</c>: what an embedding was computed from.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NativeEncodeResult
{
    /// <summary>Tokens the encoder ran on, [CLS] and [SEP] included.</summary>
    public int TokenCount;
    /// <summary>1 when the text was cut to the session's maximum length, else 0.</summary>
    public int Truncated;
}
