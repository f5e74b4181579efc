using System.Text;
using System.Text.Json;

namespace EdgeBert.Cli.Tests.Commands;

public class TokenizeCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("edgebert-tokenize-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string WriteModel(int maxLength = 16)
    {
        string path = Path.Combine(_dir, "model.ebm");
        File.WriteAllBytes(path, TestModels.TokenizerModel(maxLength));
        return path;
    }

    private string WriteVocab(IEnumerable<string> tokens)
    {
        string path = Path.Combine(_dir, "vocab.txt");
        File.WriteAllText(path, string.Join("\n", tokens) + "\n");
        return path;
    }

    [Test]
    public void ArgumentsPrintPiecesAndIdsWithTheModelsVocabulary()
    {
        var (exit, output, error) = CliRunner.RunWith(null, null, "tokenize", "--model", WriteModel(), "Win a free prizes", "CAFÉ now");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(error, Is.Empty);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "[CLS] win a free prize ##s [SEP]\t2 5 6 7 8 10 3",
            // The model lowercases but keeps accents (its metadata says so), so "café" is one known piece.
            "[CLS] café now [SEP]\t2 11 9 3",
        }));
    }

    [Test]
    public void WithoutModelOptionTheEmbeddedModelIsUsed()
    {
        var (exit, output, error) = CliRunner.RunWith(null, TestModels.TokenizerModel(), "tokenize", "free prize");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Is.EqualTo("[CLS] free prize [SEP]\t2 7 8 3" + Environment.NewLine));
    }

    [Test]
    public void StdinLinesBecomeJsonLines()
    {
        byte[] stdin = Encoding.UTF8.GetBytes("win now\r\n\ncafé prizes\n");
        var (exit, output, error) = CliRunner.RunWith(stdin, null, "tokenize", "--model", WriteModel(), "--json");
        Assert.That(exit, Is.EqualTo(0), error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3), "one line per input line, the empty one included");
        using var first = JsonDocument.Parse(lines[0]);
        Assert.That(first.RootElement.GetProperty("text").GetString(), Is.EqualTo("win now"), "the \\r is not part of the text");
        Assert.That(first.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "[CLS]", "win", "now", "[SEP]" }));
        Assert.That(first.RootElement.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()), Is.EqualTo(new[] { 2, 5, 9, 3 }));
        Assert.That(first.RootElement.GetProperty("truncated").GetBoolean(), Is.False);
        using var empty = JsonDocument.Parse(lines[1]);
        Assert.That(empty.RootElement.GetProperty("ids").GetArrayLength(), Is.EqualTo(2), "an empty line is [CLS] [SEP]");
        Assert.That(lines[2], Does.Contain("\"text\":\"café prizes\""), "non-ASCII text is written as UTF-8, not escaped");
    }

    [Test]
    public void LongTextIsTruncatedAtTheModelsMaximumAndMarked()
    {
        var (exit, output, error) = CliRunner.RunWith(null, null, "tokenize", "--model", WriteModel(maxLength: 4), "win a free prize now");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Is.EqualTo("[CLS] win a [SEP]\t2 5 6 3\ttruncated" + Environment.NewLine));
    }

    [Test]
    public void HuggingFaceVocabIsUncasedByDefaultAndCasedOnRequest()
    {
        string vocab = WriteVocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "Hello", "##s", "cafe"]);
        var (exit, output, error) = CliRunner.RunWith(null, null, "tokenize", "--vocab", vocab, "Hellos Café");
        Assert.That(exit, Is.EqualTo(0), error);
        // Uncased BERT lowercases and strips accents.
        Assert.That(output, Is.EqualTo("[CLS] hello ##s cafe [SEP]\t2 5 7 8 3" + Environment.NewLine));

        (exit, output, error) = CliRunner.RunWith(null, null, "tokenize", "--vocab", vocab, "--cased", "Hellos Café", "--max-length", "3");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Is.EqualTo("[CLS] Hello [SEP]\t2 6 3\ttruncated" + Environment.NewLine));
    }

    [Test]
    public void InvalidUtf8OnStdinIsAClearErrorNamingTheLine()
    {
        byte[] stdin = [.. "win\nfree "u8, 0xC3, 0x28, .. "\n"u8];
        var (exit, output, error) = CliRunner.RunWith(stdin, null, "tokenize", "--model", WriteModel());
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Is.EqualTo("[CLS] win [SEP]\t2 5 3" + Environment.NewLine), "lines are streamed: the valid first line was answered");
        Assert.That(error, Is.EqualTo("edgebert: error: standard input is not valid UTF-8: line 2, byte offset 9" + Environment.NewLine));
    }

    [Test]
    public void WithoutModelOrVocabTheMessageSaysWhatToPass()
    {
        var (exit, output, error) = CliRunner.RunWith(null, null, "tokenize", "hello");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.StartWith("edgebert: error: this build has no embedded default model; pass --model FILE").And.Contain("--vocab"));
    }

    [Test]
    public void NoTextsAndAnInteractiveStdinIsAUsageError()
    {
        var (exit, _, error) = CliRunner.RunWith(null, TestModels.TokenizerModel(), "tokenize");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("give texts as arguments or one per line on standard input"));
    }

    [Test]
    public void ConflictingOrMisplacedOptionsAreUsageErrors()
    {
        string model = WriteModel(), vocab = WriteVocab(["[UNK]", "[CLS]", "[SEP]"]);
        var (exit, _, error) = CliRunner.RunWith(null, null, "tokenize", "--model", model, "--vocab", vocab, "x");
        Assert.That((exit, error.Contains("exclude each other")), Is.EqualTo((2, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "tokenize", "--model", model, "--cased", "x");
        Assert.That((exit, error.Contains("only apply with --vocab")), Is.EqualTo((2, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "tokenize", "--vocab", vocab, "--max-length", "1", "x");
        Assert.That((exit, error.Contains("--max-length must be 2 to 65536 (got 1)")), Is.EqualTo((2, true)), error);
    }

    [Test]
    public void BadVocabularyFilesExitWithOne()
    {
        var (exit, _, error) = CliRunner.RunWith(null, null, "tokenize", "--vocab", WriteVocab(["[CLS]", "[SEP]", "hello"]), "hello");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.StartWith("edgebert: error: ").And.Contain("vocab.txt").And.Contain("[UNK]"));

        (exit, _, error) = CliRunner.RunWith(null, null, "tokenize", "--vocab", Path.Combine(_dir, "missing.txt"), "hello");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.StartWith("edgebert: error: ").And.Contain("missing.txt"));
    }

    [Test]
    public void IdsAreTheOnesTheRuntimeFeedsTheModel()
    {
        // tokenize reads only the vocabulary and settings (no weight packing); it must still agree with Session.Tokenize.
        string path = RuntimeTestModels.Write(_dir);
        string[] texts = ["w1 w2 W3", "w5 ##x unknownword", string.Join(' ', Enumerable.Repeat("w9", 20))];
        var (exit, output, error) = CliRunner.Run(["tokenize", "--model", path, .. texts]);
        Assert.That(exit, Is.EqualTo(0), error);
        string[] lines = output.TrimEnd().Split(Environment.NewLine);
        using var model = EdgeBert.Runtime.Model.Load(path);
        var session = model.CreateSession();
        for (int i = 0; i < texts.Length; i++)
        {
            var ids = new int[model.MaxLength];
            int count = session.Tokenize(texts[i], ids, new int[model.MaxLength], out bool truncated);
            Assert.That(lines[i].Split('\t')[1], Is.EqualTo(string.Join(' ', ids.Take(count))), texts[i]);
            Assert.That(lines[i].EndsWith("\ttruncated", StringComparison.Ordinal), Is.EqualTo(truncated), texts[i]);
        }
    }
}
