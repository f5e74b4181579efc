using EdgeBert.Trainer.Data.ShortTexts;

namespace EdgeBert.Trainer.Tests.Data.ShortTexts;

/// <summary>
/// Imports the real short-text collection when <c>scripts/fetch-data.sh</c> has put
/// <c>sentiment@5.0.2</c> in the repository's <c>data/</c> (or where EDGEBERT_DATA points);
/// ignored otherwise, since tests never download. The counts are those docs/short-texts.md states.
/// </summary>
[Category("RealData")]
public class ShortTextsRealDataTests
{
    [Test]
    public void RealFixtures_GiveTheDocumentedCollection()
    {
        string data = RealData.Require(Path.Combine("sentiment", "test", "fixtures"));
        var sources = ShortTextsImporter.ReadSources(ShortTextsImporter.FixtureDirectory(data));
        var import = ShortTextsImporter.Select(sources, new ShortTextsOptions());

        Assert.That(sources.Select(s => s.Texts.Count), Is.EqualTo(new[] { 1001, 1001, 1001 }));
        Assert.That(import.Counts.Select(c => (c.Source, c.Kept)), Is.EqualTo(new[] { ("amazon", 987), ("imdb", 977), ("yelp", 996) }));
        Assert.That(import.Counts.All(c => c.Read == c.Kept + c.Empty + c.TooLong + c.Duplicates), Is.True);
        Assert.That(import.Examples.All(e => e.Label == "ham" && e.Text.Split(' ').Length <= 40), Is.True);
        Assert.That(import.Examples.Select(e => e.Text).Distinct(StringComparer.OrdinalIgnoreCase).Count(), Is.EqualTo(import.Examples.Count));
    }
}
