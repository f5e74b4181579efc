using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Tasks;

namespace EdgeBert.Trainer.Tests.Data.Tasks;

public class TsvTaskReaderTests
{
    [Test]
    public void Sst2Style_SingleSentences()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("train.tsv", "sentence\tlabel\r\nhide new secretions \t0\r\n\r\n\"quoted\" it's fine\t1\r\n");
        Assert.That(TsvTaskReader.Read(path).ToList(), Is.EqualTo(new[]
        {
            new LabeledExample("hide new secretions ", "0"),
            new LabeledExample("\"quoted\" it's fine", "1"),
        }), "no quoting: quotes are ordinary characters, CRLF is stripped");
    }

    [Test]
    public void MnliStyle_SentencePairsByName()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("dev.tsv", "index\tsentence1\tsentence2\tgold_label\n0\tA man sleeps.\tA person rests.\tentailment\n");
        var options = new TsvOptions
        {
            Text = TsvColumn.ByName("sentence1"),
            TextPair = TsvColumn.ByName("sentence2"),
            Label = TsvColumn.ByName("gold_label"),
        };
        Assert.That(TsvTaskReader.Read(path, options).Single(),
            Is.EqualTo(new LabeledExample("A man sleeps.", "entailment", "A person rests.")));
    }

    [Test]
    public void ColaStyle_NoHeader_ColumnsByIndex()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("in_domain_train.tsv", "gj04\t1\t\tOur friends won't buy this analysis.\ngj04\t0\t*\tThey drank the pub.\n");
        var options = new TsvOptions { HasHeader = false, Text = TsvColumn.Parse("3"), Label = TsvColumn.Parse("1") };
        Assert.That(TsvTaskReader.Read(path, options).Select(e => (e.Text, e.Label)), Is.EqualTo(new[]
        {
            ("Our friends won't buy this analysis.", "1"), ("They drank the pub.", "0"),
        }));
    }

    [Test]
    public void HeaderWithIndexColumns_Works()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.tsv", "a\tb\nx\ty\n");
        var options = new TsvOptions { Text = TsvColumn.ByIndex(1), Label = TsvColumn.ByIndex(0) };
        Assert.That(TsvTaskReader.Read(path, options).Single(), Is.EqualTo(new LabeledExample("y", "x")));
    }

    [Test]
    public void MissingColumnName_ListsTheColumns()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.tsv", "text\tlabel\nx\t1\n");
        var error = Assert.Throws<DataFormatException>(() => TsvTaskReader.Read(path).ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:1: ").And.Contain("no column 'sentence'").And.Contain("'text', 'label'"));
    }

    [Test]
    public void ShortRow_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.tsv", "sentence\tlabel\nok\t1\n\nmissing label field\n");
        var error = Assert.Throws<DataFormatException>(() => TsvTaskReader.Read(path).ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:4: ").And.Contain("expected at least 2 tab-separated fields, found 1"));
        Assert.That(error.LineNumber, Is.EqualTo(4));
    }

    [Test]
    public void EmptyLabel_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.tsv", "sentence\tlabel\nok\t \n");
        Assert.That(() => TsvTaskReader.Read(path).ToList(),
            Throws.TypeOf<DataFormatException>().With.Message.StartsWith($"{path}:2: ").And.Message.Contains("empty label"));
    }

    [Test]
    public void EmptyFile_WithHeaderExpected_IsAnError()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.tsv", "");
        Assert.That(() => TsvTaskReader.Read(path).ToList(),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("expected a header row"));
    }

    [Test]
    public void NoHeader_ButColumnByName_IsAnArgumentError()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.tsv", "x\t1\n");
        Assert.That(() => TsvTaskReader.Read(path, new TsvOptions { HasHeader = false }).ToList(),
            Throws.ArgumentException.With.Message.Contains("must be given by index"));
    }

    [TestCase("3", null, 3)]
    [TestCase("label", "label", -1)]
    [TestCase("-1", "-1", -1)]
    public void TsvColumn_Parse(string spec, string? name, int index)
    {
        var column = TsvColumn.Parse(spec);
        Assert.That(column.Name, Is.EqualTo(name));
        if (name is null)
        {
            Assert.That(column.Index, Is.EqualTo(index));
        }
    }

    [Test]
    public void TaskFile_DispatchesOnExtension()
    {
        using var dir = new TempDirectory();
        var tsv = dir.Write("a.tsv", "sentence\tlabel\nx\t1\n");
        var jsonl = dir.Write("b.jsonl", "{\"text\":\"y\",\"label\":\"2\"}\n");
        var csv = dir.Write("c.csv", "x,1\n");
        Assert.That(TaskFile.Read(tsv).Single(), Is.EqualTo(new LabeledExample("x", "1")));
        Assert.That(TaskFile.Read(jsonl).Single(), Is.EqualTo(new LabeledExample("y", "2")));
        Assert.That(() => TaskFile.Read(csv), Throws.ArgumentException.With.Message.Contains(".jsonl or .tsv"));
    }
}
