using EdgeBert.Format;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Tests;

/// <summary>
/// Bad input — an invalid, truncated or unreadable model, a failing read — is one line
/// <c>edgebert: error: MESSAGE</c> on stderr and exit 1 (docs/deployment.md), never a stack trace.
/// </summary>
public class ErrorHandlingTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("edgebert-errors-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneLineError(int exit, string output, string error, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(Program.ExitBadInput).And.EqualTo(InputErrors.ExitCode));
            Assert.That(error, Does.StartWith("edgebert: error: ").And.Contain(expected));
            Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
            Assert.That(output, Is.Empty);
        });
    }

    [TestCase("classify")]
    [TestCase("embed")]
    [TestCase("tokenize")]
    public void ATruncatedModelFileIsAFormatErrorNamingTheFile(string command)
    {
        byte[] model = RuntimeTestModels.Bytes();
        string path = Path.Combine(_dir, "truncated.ebm");
        File.WriteAllBytes(path, model.AsSpan(0, model.Length / 2).ToArray());
        var (exit, output, error) = CliRunner.Run(command, "--model", path, "hello");
        AssertOneLineError(exit, output, error, "truncated.ebm");
    }

    [Test]
    public void AModelWithACorruptTensorFailsItsChecksum()
    {
        byte[] model = RuntimeTestModels.Bytes();
        model[^9] ^= 0x40; // inside the last tensor's data
        string path = Path.Combine(_dir, "corrupt.ebm");
        File.WriteAllBytes(path, model);
        var (exit, output, error) = CliRunner.Run("classify", "--model", path, "hello");
        AssertOneLineError(exit, output, error, "checksum mismatch");
    }

    [Test]
    public void ADirectoryGivenAsTheModelIsAnErrorNotACrash()
    {
        var (exit, output, error) = CliRunner.Run("classify", "--model", _dir, "hello");
        AssertOneLineError(exit, output, error, _dir);
    }

    [Test]
    public void AnInvalidEmbeddedModelIsReportedLikeAFile()
    {
        var (exit, output, error) = CliRunner.RunWith(null, new byte[100], "classify", "hello");
        AssertOneLineError(exit, output, error, "<embedded default model>");
    }

    // The runtime's failures that are not ModelFormatException reach the same handler: InvalidDataException
    // is not an IOException, so it used to escape as a crash.
    private static IEnumerable<TestCaseData> ReadFailures()
    {
        yield return new TestCaseData(new InvalidDataException("data.bin: malformed\nsecond line")).SetName("InvalidDataException");
        yield return new TestCaseData(new IOException("disk on fire")).SetName("IOException");
        yield return new TestCaseData(new EndOfStreamException("cut short")).SetName("EndOfStreamException");
        yield return new TestCaseData(new UnauthorizedAccessException("Access to the path is denied.")).SetName("UnauthorizedAccessException");
        yield return new TestCaseData(new ModelFormatException("x.ebm", "bad header", "byte 0")).SetName("ModelFormatException");
    }

    [TestCaseSource(nameof(ReadFailures))]
    public void ReadFailuresAreOneLineAndExitOne(Exception failure)
    {
        var environment = CliRunner.NoInput with { DefaultModel = () => throw failure };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Program.Run(["classify", "hello"], output, error, environment);
        AssertOneLineError(exit, output.ToString(), error.ToString(), failure.Message.Split('\n')[0]);
    }

    [Test]
    public void ProgrammingErrorsAreNotDisguisedAsBadInput()
    {
        var environment = CliRunner.NoInput with { DefaultModel = () => throw new NullReferenceException("bug") };
        Assert.Throws<NullReferenceException>(() => Program.Run(["classify", "hello"], new StringWriter(), new StringWriter(), environment));
    }
}
