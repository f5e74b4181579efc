using System.Text;
using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

[Category("Text")]
public class WordPieceVocabularyTests
{
    [Test]
    public void LoadsTheFixtureVocabulary()
    {
        var vocabulary = TokenizerFixture.Vocabulary;
        Assert.That(vocabulary.Count, Is.EqualTo(5104));
        Assert.That((vocabulary.PaddingId, vocabulary.UnknownId, vocabulary.ClassifierId, vocabulary.SeparatorId, vocabulary.MaskId),
            Is.EqualTo(((int?)0, 100, 101, 102, (int?)103)));
        Assert.That(vocabulary.IdToToken(101), Is.EqualTo("[CLS]"));
        Assert.That(vocabulary.TryGetId("##é".AsSpan(), out _), Is.True, "the fixture vocabulary has accented pieces");
        Assert.That(vocabulary.TryGetId("北".AsSpan(), out _), Is.True, "and CJK pieces");
    }

    [Test]
    public void StreamLinesAreTrimmedAndAFinalNewlineIsNotAToken()
    {
        var bytes = Encoding.UTF8.GetBytes("[UNK]\r\n[CLS]  \n[SEP]\nhello\n");
        var vocabulary = WordPieceVocabulary.Load(new MemoryStream(bytes));
        Assert.That(vocabulary.Count, Is.EqualTo(4));
        Assert.That(vocabulary.TryGetId("[CLS]".AsSpan(), out int cls) ? cls : -1, Is.EqualTo(1));
        Assert.That(vocabulary.PaddingId, Is.Null);
        Assert.That(vocabulary.MaskId, Is.Null);
    }

    [Test]
    public void ALaterDuplicateWinsAsInHuggingFace()
    {
        var vocabulary = WordPieceVocabulary.FromLines(["[UNK]", "[CLS]", "[SEP]", "dup", "dup"]);
        Assert.That(vocabulary.TryGetId("dup".AsSpan(), out int id) ? id : -1, Is.EqualTo(4));
        Assert.That(vocabulary.IdToToken(3), Is.EqualTo("dup"));
    }

    [Test]
    public void MissingRequiredSpecialTokenIsAClearError()
    {
        var ex = Assert.Throws<FormatException>(() => WordPieceVocabulary.FromLines(["[UNK]", "[SEP]", "a"]));
        Assert.That(ex!.Message, Does.Contain("[CLS]"));
    }

    [Test]
    public void InvalidUtf8VocabularyIsAClearError()
    {
        var bytes = new byte[] { (byte)'[', (byte)'U', 0xFF, (byte)'\n' };
        var ex = Assert.Throws<FormatException>(() => WordPieceVocabulary.Load(new MemoryStream(bytes)));
        Assert.That(ex!.Message, Does.Contain("UTF-8"));
    }

    [Test]
    public void MissingFileAndBadIdsThrow()
    {
        Assert.Throws<FileNotFoundException>(() => WordPieceVocabulary.Load(Path.Combine(Path.GetTempPath(), "edgebert-no-such-vocab.txt")));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TokenizerFixture.Vocabulary.IdToToken(5104));
        Assert.That(ex!.Message, Does.Contain("5104"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenizerFixture.Vocabulary.IdToToken(-1));
        Assert.Throws<ArgumentNullException>(() => WordPieceVocabulary.FromLines(null!));
    }
}
