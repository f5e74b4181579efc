using System.Globalization;
using System.Text;

namespace EdgeBert.Trainer.Data.Vocab;

/// <summary>
/// BERT's accent stripping — Unicode NFD, then drop non-spacing marks (Mn) — without ICU. EdgeBert
/// runs with InvariantGlobalization, where <see cref="string.Normalize()"/> leaves text unchanged, so
/// the decompositions come from a generated table (<c>AccentFolding.gen.py</c>, Unicode 14) and Hangul
/// syllables are decomposed into jamo algorithmically (Unicode §3.12), as NFD does.
/// </summary>
public static partial class AccentFolding
{
    private const int HangulBase = 0xAC00, HangulCount = 11172, JamoL = 0x1100, JamoV = 0x1161, JamoT = 0x11A7;
    private const int VCount = 21, TCount = 28;

    /// <summary>Returns <paramref name="text"/> decomposed with its non-spacing marks removed.</summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int v = rune.Value;
            if (v - HangulBase is >= 0 and < HangulCount)
            {
                int s = v - HangulBase;
                sb.Append((char)(JamoL + s / (VCount * TCount))).Append((char)(JamoV + s % (VCount * TCount) / TCount));
                if (s % TCount != 0)
                {
                    sb.Append((char)(JamoT + s % TCount));
                }
                continue;
            }
            int index = Keys.BinarySearch(v);
            if (index >= 0)
            {
                sb.Append(Folded[index]);
            }
            else if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(rune.ToString());
            }
        }
        return sb.ToString();
    }
}
