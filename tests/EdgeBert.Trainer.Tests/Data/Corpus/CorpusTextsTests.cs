using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Corpus;

namespace EdgeBert.Trainer.Tests.Data.Corpus;

public class CorpusTextsTests
{
    [Test]
    public void JsonlFile_YieldsTextsAndPairs_IgnoringLabels()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("train.jsonl",
            "{\"text\": \"Win a prize\", \"label\": \"spam\"}\n\n" +
            "{\"text\": \"Is it raining?\", \"text_pair\": \"No, it is sunny.\", \"label\": 1}\n");
        Assert.That(CorpusTexts.Read(file).ToList(),
            Is.EqualTo(new[] { "Win a prize", "Is it raining?", "No, it is sunny." }));
    }

    [Test]
    public void TextFile_ReadsLikeTheTextReader()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("book.txt", "Call me\nIshmael.\n\nSecond paragraph.\n");
        var options = new TextCorpusOptions { Unit = CorpusUnit.Line };
        Assert.That(CorpusTexts.Read(file).ToList(), Is.EqualTo(TextCorpusReader.Read(file).ToList()));
        Assert.That(CorpusTexts.Read(file, options).ToList(), Is.EqualTo(new[] { "Call me", "Ishmael.", "Second paragraph." }));
    }

    [Test]
    public void Directory_ReadsOnlyItsTextFiles_InNameOrder()
    {
        using var dir = new TempDirectory();
        dir.Write("b.txt", "second\n");
        dir.Write("a.txt", "first\n");
        dir.Write("task.jsonl", "{\"text\": \"not read\", \"label\": 0}\n");
        Assert.That(CorpusTexts.Read(dir.Path).ToList(), Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void MalformedJsonl_IsADataFormatError_NamingTheLine()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("bad.jsonl", "{\"text\": \"ok\", \"label\": 0}\n{\"text\": 3}\n");
        var error = Assert.Throws<DataFormatException>(() => CorpusTexts.Read(file).ToList());
        Assert.That(error!.Message, Does.Contain("bad.jsonl").And.Contain("2"));
    }

    [Test]
    public void MissingPath_IsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => CorpusTexts.Read("/no/such/corpus").ToList());
    }
}
