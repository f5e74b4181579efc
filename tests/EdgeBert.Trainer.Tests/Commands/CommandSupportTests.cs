using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;

namespace EdgeBert.Trainer.Tests.Commands;

/// <summary>
/// CommandSupport.Guard: bad input — including the runtime's ModelFormatException, which used to
/// escape with a stack trace — is one <c>error:</c> line and exit 1; program errors still throw.
/// </summary>
public class CommandSupportTests
{
    private static IEnumerable<TestCaseData> BadInput()
    {
        yield return new TestCaseData(new ModelFormatException("student.ebm", "data checksum mismatch", "tensor 'x'")).SetName("ModelFormatException");
        yield return new TestCaseData(new InvalidDataException("run/best: not a complete training checkpoint")).SetName("InvalidDataException");
        yield return new TestCaseData(new FileNotFoundException("Could not find file 'train.jsonl'.")).SetName("FileNotFoundException");
        yield return new TestCaseData(new IOException("disk full")).SetName("IOException");
        yield return new TestCaseData(new UnauthorizedAccessException("Access to the path 'out' is denied.")).SetName("UnauthorizedAccessException");
        yield return new TestCaseData(new ArgumentException("--lr must be positive")).SetName("ArgumentException");
        yield return new TestCaseData(new FormatException("vocab.txt: not UTF-8")).SetName("FormatException");
    }

    [TestCaseSource(nameof(BadInput))]
    public void Guard_turns_bad_input_into_one_error_line_and_exit_one(Exception failure)
    {
        var console = new CommandTestConsole();
        int exit = CommandSupport.Guard(console.Console, () => throw failure);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(Program.ExitBadInput).And.EqualTo(InputErrors.ExitCode));
            Assert.That(console.Output.TrimEnd(), Is.EqualTo($"error: {failure.Message}"));
        });
    }

    [Test]
    public void Guard_passes_the_actions_exit_code_and_rethrows_program_errors()
    {
        var console = new CommandTestConsole();
        Assert.That(CommandSupport.Guard(console.Console, () => 0), Is.EqualTo(0));
        Assert.Throws<NullReferenceException>(() => CommandSupport.Guard(console.Console, () => throw new NullReferenceException()));
        Assert.That(console.Output, Is.Empty);
    }

    [Test]
    public void A_malformed_checkpoint_given_to_eval_exits_one_naming_the_file()
    {
        using var dir = new TempDirectory();
        dir.Write("model/config.json", "{ this is not json");
        string data = dir.Write("d.jsonl", "{\"text\":\"a\",\"label\":0}\n");
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(EvalCommand.Create(console.Console), "--model", Path.Combine(dir.Path, "model"), "--data", data);
        Assert.That(exit, Is.EqualTo(1), console.Output);
        Assert.That(console.Output, Does.StartWith("error: ").And.Contain("config.json").And.Not.Contain("   at "));
    }
}
