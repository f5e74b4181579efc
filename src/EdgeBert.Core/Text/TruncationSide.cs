namespace EdgeBert.Text;

/// <summary>Which end of a sequence loses tokens when it is truncated (HF's truncation direction).</summary>
public enum TruncationSide
{
    /// <summary>Keep the beginning, drop tokens at the end (the default).</summary>
    Right,

    /// <summary>Keep the end, drop tokens at the beginning.</summary>
    Left,
}
