using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Corpus;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeBert.Trainer.Tests.Data;

public class TextPropertyTests
{
    private static readonly Gen<string> Texts =
        Gen.ListOf(Gen.Elements("word", " ", "  ", "\t", "\n", "end.", "é", "\U0001F600", "x?", "\r\n"))
            .Select(pieces => string.Concat(pieces));

    [Test]
    public void Normalize_IsIdempotent_AndLeavesSingleSpaces()
    {
        var property = Prop.ForAll(Texts.ToArbitrary(), text =>
        {
            var once = TextNormalizer.Normalize(text);
            return once == TextNormalizer.Normalize(once) && !once.Contains("  ") && once == once.Trim()
                   && !once.Any(c => c != ' ' && char.IsWhiteSpace(c));
        });
        Check.One(PropertyConfig.Replayable(), property);
    }

    [Test]
    public void Truncate_GivesAPrefixWithinTheCap()
    {
        var property = Prop.ForAll(Texts.ToArbitrary(), Gen.Choose(1, 40).ToArbitrary(), (text, max) =>
        {
            var normalized = TextNormalizer.Normalize(text);
            var cut = TextNormalizer.Truncate(normalized, max);
            return cut.Length <= max && normalized.StartsWith(cut, StringComparison.Ordinal)
                   && (cut.Length == 0 || !char.IsHighSurrogate(cut[^1]));
        });
        Check.One(PropertyConfig.Replayable(), property);
    }

    [Test]
    public void Chunk_KeepsEveryWord_WithinTheCap()
    {
        var property = Prop.ForAll(Texts.ToArbitrary(), Gen.Choose(4, 60).ToArbitrary(), (text, max) =>
        {
            var normalized = TextNormalizer.Normalize(text);
            var chunks = TextCorpusReader.Chunk(normalized, max).ToList();
            return chunks.All(c => c.Length <= max || normalized.Length <= max)
                   && string.Concat(chunks).Replace(" ", "") == normalized.Replace(" ", "");
        });
        Check.One(PropertyConfig.Replayable(), property);
    }
}
