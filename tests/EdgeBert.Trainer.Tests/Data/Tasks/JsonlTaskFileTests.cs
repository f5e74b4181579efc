using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Tasks;

namespace EdgeBert.Trainer.Tests.Data.Tasks;

public class JsonlTaskFileTests
{
    [Test]
    public void WriteThenRead_RoundTripsSinglesAndPairs()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "nested", "train.jsonl");
        LabeledExample[] examples =
        [
            new("Café \"quoted\" \\ backslash\nnew line \t tab 日本 \U0001F600", "spam"),
            new("premise", "entailment", "hypothesis"),
            new("", "0"),
        ];
        Assert.That(JsonlTaskFile.Write(path, examples), Is.EqualTo(3));
        Assert.That(JsonlTaskFile.Read(path).ToList(), Is.EqualTo(examples));
        Assert.That(File.ReadAllLines(path), Has.Length.EqualTo(3), "one object per line");
        Assert.That(File.ReadAllText(path), Does.Contain("Café").And.Contain("日本"), "non-ASCII stays readable");
    }

    [Test]
    public void Read_AcceptsIntegerLabels_NullPairs_ExtraFields_AndBlankLines()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("t.jsonl", "{\"text\":\"a\",\"label\":1,\"id\":7}\n\n{\"text\":\"b\",\"text_pair\":null,\"label\":\"x\"}\n");
        Assert.That(JsonlTaskFile.Read(path).ToList(), Is.EqualTo(new[] { new LabeledExample("a", "1"), new LabeledExample("b", "x") }));
    }

    [TestCase("{\"text\":\"a\",\"label\":\"ok\"}\n{\"text\":\"b\",\"label\":", 2, "invalid JSON")]
    [TestCase("{\"text\":\"a\"}", 1, "missing \"label\"")]
    [TestCase("{\"label\":\"a\"}", 1, "missing \"text\"")]
    [TestCase("{\"text\":5,\"label\":\"a\"}", 1, "\"text\" must be a string")]
    [TestCase("\n\n[\"text\",\"label\"]", 3, "expected a JSON object")]
    [TestCase("{\"text\":\"a\",\"label\":1.5}", 1, "\"label\" must be a string or an integer")]
    [TestCase("{\"text\":\"a\",\"label\":true}", 1, "\"label\" must be a string or an integer")]
    [TestCase("{\"text\":\"a\",\"text_pair\":3,\"label\":\"x\"}", 1, "\"text_pair\" must be a string")]
    public void Read_MalformedRows_NameFileAndLine(string content, int line, string message)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("bad.jsonl", content);
        var error = Assert.Throws<DataFormatException>(() => JsonlTaskFile.Read(path).ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:{line}: ").And.Contain(message));
        Assert.That(error.FilePath, Is.EqualTo(path));
        Assert.That(error.LineNumber, Is.EqualTo(line));
    }

    [Test]
    public void Read_MissingFile_Throws()
    {
        using var dir = new TempDirectory();
        Assert.That(() => JsonlTaskFile.Read(Path.Combine(dir.Path, "none.jsonl")).ToList(), Throws.TypeOf<FileNotFoundException>());
    }
}
