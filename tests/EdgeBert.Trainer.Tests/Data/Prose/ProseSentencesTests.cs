using EdgeBert.Trainer.Data.Prose;

namespace EdgeBert.Trainer.Tests.Data.Prose;

public class ProseSentencesTests
{
    [Test]
    public void Sentences_EndAtPunctuationBeforeACapitalOrQuote()
    {
        var sentences = ProseSentences.Sentences("Call me Ishmael. Some years ago I went to sea! Why? \"Because,\" he said. 'Quite so.' it was 3.5 miles. done");
        Assert.That(sentences, Is.EqualTo(new[]
        {
            "Call me Ishmael.", "Some years ago I went to sea!", "Why?", "\"Because,\" he said.", "'Quite so.' it was 3.5 miles. done",
        }));
    }

    [Test]
    public void Sentences_KeepClosingQuotesAndRepeatedMarks()
    {
        var sentences = ProseSentences.Sentences("He cried \"Stop!\" Then he left... Did he?! Yes (he did.) Fine.");
        Assert.That(sentences, Is.EqualTo(new[] { "He cried \"Stop!\"", "Then he left...", "Did he?!", "Yes (he did.)", "Fine." }));
    }

    [Test]
    public void Sentences_DoNotEndAtAbbreviationsOrInitials()
    {
        var sentences = ProseSentences.Sentences(
            "Mr. Starbuck met Mrs. Hussey and Dr. Bunger near St. Paul's. The U.S. Government sent Gen. Grant. J. Smith agreed. Yes.");
        Assert.That(sentences, Is.EqualTo(new[]
        {
            "Mr. Starbuck met Mrs. Hussey and Dr. Bunger near St. Paul's.", "The U.S. Government sent Gen. Grant.", "J. Smith agreed.", "Yes.",
        }));
    }

    [Test]
    public void Sentences_CollapseWhiteSpaceAcrossLineBreaks()
    {
        Assert.That(ProseSentences.Sentences("One  long\n  sentence here.\tAnother\r\none."),
            Is.EqualTo(new[] { "One long sentence here.", "Another one." }));
    }

    [Test]
    public void Paragraphs_DropHeadingsAndLinesWithoutLetters_AndJoinWrappedLines()
    {
        string text = "CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years\nago I sailed.\n\n* * *\n1842\nETYMOLOGY.\nIt was cold.\n\n\n";
        Assert.That(ProseSentences.Paragraphs(text), Is.EqualTo(new[] { "Call me Ishmael. Some years ago I sailed.", "It was cold." }));
    }

    [TestCase("CHAPTER 12. Biographical.", true)]
    [TestCase("Chapter IV The Pulpit", true)]
    [TestCase("BOOK IV the end", true)]
    [TestCase("EXTRACTS (SUPPLIED BY A SUB-SUB-LIBRARIAN).", true)]
    [TestCase("--- 42 ---", true)]
    [TestCase("Chapter and verse were quoted.", false)]
    public void IsHeadingOrNoise(string line, bool expected) =>
        Assert.That(ProseSentences.IsHeadingOrNoise(line), Is.EqualTo(expected));

    [Test]
    public void WordCount_CountsSpaceSeparatedWords()
    {
        Assert.That(ProseSentences.WordCount("Call me Ishmael."), Is.EqualTo(3));
        Assert.That(ProseSentences.WordCount(""), Is.EqualTo(0));
    }
}
