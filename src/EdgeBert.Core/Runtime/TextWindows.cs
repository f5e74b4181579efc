namespace EdgeBert.Runtime;

/// <summary>
/// Where the windows over a text of <see cref="Pieces"/> word pieces start: windows of
/// <see cref="Width"/> pieces (the session's length less [CLS] and [SEP]) every
/// <see cref="Stride"/> = half a window, the last one aligned to the end of the text, so every
/// window is full and every piece is in at least one (at most three) windows. A text that fits is one window.
/// </summary>
internal readonly record struct TextWindows(int Pieces, int Width)
{
    /// <summary>Pieces between the starts of consecutive windows: half a window (at least 1).</summary>
    public int Stride => Math.Max(1, Width / 2);

    /// <summary>The number of windows (1 when the text fits).</summary>
    public int Count => Pieces <= Width ? 1 : (Pieces - Width + Stride - 1) / Stride + 1;

    /// <summary>The first piece of window <paramref name="index"/>.</summary>
    public int Start(int index) => Math.Min(index * Stride, Math.Max(0, Pieces - Width));

    /// <summary>The number of pieces in window <paramref name="index"/>.</summary>
    public int Length(int index) => Math.Min(Width, Pieces - Start(index));
}
