namespace EdgeBert.Cli.Tests;

public class ProgramTests
{
    [Test]
    public void NoCommandIsAUsageError()
    {
        var (exit, output, error) = CliRunner.Run();
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("Required command was not provided").And.Contain("--help"));
        Assert.That(output, Is.Empty);
    }

    [TestCase("frobnicate")]
    [TestCase("inspect")]
    [TestCase("inspect", "a.ebm", "b.ebm")]
    [TestCase("info", "--bogus")]
    public void BadCommandLinesExitWithTwo(params string[] args)
    {
        var (exit, _, error) = CliRunner.Run(args);
        Assert.That(exit, Is.EqualTo(2), string.Join(" ", args));
        Assert.That(error, Does.StartWith("edgebert: "));
    }

    [Test]
    public void HelpListsTheCommands()
    {
        var (exit, output, _) = CliRunner.Run("--help");
        Assert.That(exit, Is.EqualTo(0));
        foreach (string command in new[] { "info", "inspect", "tokenize", "classify", "embed", "eval", "bench" })
        {
            Assert.That(output, Does.Match($@"(?m)^\s+{command}\s"), command);
        }
    }
}
