using EdgeBert.Kernels;

namespace EdgeBert.Cli.Tests.Commands;

public class InfoCommandTests
{
    [Test]
    public void PrintsVersionIsaAndFormatVersions()
    {
        var (exit, output, error) = CliRunner.Run("info");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.StartWith("edgebert 0.1.0"));
        Assert.That(output, Does.Contain($"kernel isa: {KernelIsaSelector.Active}"));
        Assert.That(output, Does.Contain("model format: version 1, packing version 1"));
        Assert.That(error, Is.Empty);
    }
}
