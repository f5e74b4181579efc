using System.Text;
using EdgeBert.Cli.Eval;

namespace EdgeBert.Cli.Tests.Eval;

public class EvalDataReaderTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("edgebert-eval-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Test]
    public void JsonlTakesStringAndIntegerLabelsAndSkipsBlankLines()
    {
        string path = Write("d.jsonl", "{\"text\": \"Win a prize\", \"label\": \"spam\", \"id\": 7}\n\n{\"text\": \"café\", \"label\": 0}\r\n");
        var examples = EvalDataReader.Read(path);
        Assert.That(examples, Is.EqualTo(new[] { new EvalExample("Win a prize", "spam", 1), new EvalExample("café", "0", 3) }));
    }

    [Test]
    public void TsvFindsTheColumnsByHeaderAndKeepsQuotesLiterally()
    {
        string path = Write("d.tsv", "label\tsentence\n1\tit's \"great\"\n0\tdull\n");
        Assert.That(EvalDataReader.Read(path), Is.EqualTo(new[] { new EvalExample("it's \"great\"", "1", 2), new EvalExample("dull", "0", 3) }));
    }

    [TestCase("d.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"\n", "d.jsonl:2: invalid JSON")]
    [TestCase("d.jsonl", "[1, 2]\n", "d.jsonl:1: expected a JSON object, found Array")]
    [TestCase("d.jsonl", "{\"text\": 5, \"label\": \"x\"}\n", "d.jsonl:1: \"text\" must be a string")]
    [TestCase("d.jsonl", "{\"text\": \"a\"}\n", "d.jsonl:1: missing \"label\"")]
    [TestCase("d.jsonl", "{\"text\": \"a\", \"label\": 0.5}\n", "d.jsonl:1: \"label\" must be a string or an integer")]
    [TestCase("d.jsonl", "{\"text\": \"a\", \"label\": \"\"}\n", "d.jsonl:1: empty label")]
    [TestCase("d.jsonl", "{\"text\": \"a\", \"text_pair\": \"b\", \"label\": \"x\"}\n", "d.jsonl:1: sentence pairs")]
    [TestCase("d.tsv", "text\tgold\nhello\t1\n", "d.tsv:1: the header must name")]
    [TestCase("d.tsv", "sentence\tlabel\nhello\n", "d.tsv:2: 1 tab-separated fields, the header needs 2")]
    [TestCase("d.tsv", "sentence\tlabel\nhello\t\n", "d.tsv:2: empty label")]
    [TestCase("d.tsv", "sentence\tlabel\n\n", "d.tsv: no examples")]
    [TestCase("d.csv", "sentence,label\n", "use .jsonl or .tsv")]
    public void MalformedFilesNameTheFileAndLine(string name, string content, string expected)
    {
        string path = Write(name, content);
        var ex = Assert.Throws<CliException>(() => EvalDataReader.Read(path));
        Assert.That(ex!.Message, Does.Contain(expected), content);
        Assert.That(ex.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void InvalidUtf8IsAnErrorNotAReplacementCharacter()
    {
        string path = Write("d.tsv", [.. "sentence\tlabel\nok\t1\nbad "u8, 0xFF, .. "\t0\n"u8]);
        var ex = Assert.Throws<CliException>(() => EvalDataReader.Read(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: file is not valid UTF-8: line 3, byte offset 24"));
    }
}
