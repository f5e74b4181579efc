using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Runtime;

public class InputErrorsTests
{
    private static IEnumerable<TestCaseData> InputErrorCases()
    {
        yield return new TestCaseData(new ModelFormatException("m.ebm", "bad", "byte 0")).SetName("ModelFormatException");
        yield return new TestCaseData(new InvalidDataException("x")).SetName("InvalidDataException");
        yield return new TestCaseData(new FileNotFoundException("x")).SetName("FileNotFoundException");
        yield return new TestCaseData(new DirectoryNotFoundException("x")).SetName("DirectoryNotFoundException");
        yield return new TestCaseData(new EndOfStreamException("x")).SetName("EndOfStreamException");
        yield return new TestCaseData(new UnauthorizedAccessException("x")).SetName("UnauthorizedAccessException");
        yield return new TestCaseData(new FormatException("x")).SetName("FormatException");
        yield return new TestCaseData(new InputTooLongException(200, 128, "too long")).SetName("InputTooLongException");
    }

    [TestCaseSource(nameof(InputErrorCases))]
    public void What_the_user_gave_wrong_is_an_input_error(Exception e) => Assert.That(InputErrors.IsInputError(e), Is.True);

    [Test]
    public void Program_errors_are_not()
    {
        Assert.That(InputErrors.IsInputError(new NullReferenceException()), Is.False);
        Assert.That(InputErrors.IsInputError(new IndexOutOfRangeException()), Is.False);
        Assert.That(InputErrors.IsInputError(new ArgumentNullException("x")), Is.False);
        Assert.That(InputErrors.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void The_description_is_the_message_on_one_line()
    {
        var e = new ModelFormatException("m.ebm", "metadata JSON is malformed:\nline two\r\nline three", "byte 96");
        Assert.That(InputErrors.Describe(e), Is.EqualTo("m.ebm: metadata JSON is malformed: line two line three (at byte 96)"));
        Assert.Throws<ArgumentNullException>(() => InputErrors.Describe(null!));
    }
}
