namespace EdgeBert.Cli.Tests.Commands;

public class BenchCommandTests
{
    [Test]
    public void KernelsPrintsEverySchemeAtEveryBertShape()
    {
        var (exit, output, error) = CliRunner.Run("bench", "--kernels", "--tokens", "2", "--budget-ms", "1");
        Assert.That(exit, Is.EqualTo(0), error);
        foreach (var shape in new[] { "768x768", "768x3072", "3072x768" })
        {
            foreach (var kernel in new[] { "fp32", "w8a8", "w2a8", "w1a8-vnni", "w1a8-bitserial", "w1a4-bitserial", "w2a1", "w1a1" })
            {
                Assert.That(output, Does.Match($@"(?m)^{kernel}\s+\S+\s+{shape}\s"), $"{kernel} at {shape}");
            }
        }
    }

    [Test]
    public void EndToEndPrintsEveryScheme()
    {
        var (exit, output, error) = CliRunner.Run("bench", "--e2e", "--tokens", "4", "--layers", "1", "--budget-ms", "1");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("end to end: classify one text of 4 tokens, random model with 1 layers"));
        foreach (var scheme in new[] { "fp32", "w8a8", "w2a8", "w1a8", "w1a4", "w1a1" })
        {
            Assert.That(output, Does.Match($@"(?m)^{scheme}\s+\d+\.\d{{3}}\s+\d+\.\d{{3}}\s+\d+\.\d{{3}}\s+\d+\s+\d+\.\dx\s+[\d,]+$"), scheme);
        }
    }

    [Test]
    public void EndToEndNeedsTwoTokens()
    {
        var (exit, _, error) = CliRunner.Run("bench", "--e2e", "--tokens", "1");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("at least 2"));
    }

    [Test]
    public void WithoutWhatToMeasureItIsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("bench");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--kernels"));
    }

    [Test]
    public void NonPositiveNumbersAreUsageErrors()
    {
        var (exit, _, error) = CliRunner.Run("bench", "--kernels", "--threads", "0");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--threads must be 1 to 1024 (got 0)"));
    }
}
