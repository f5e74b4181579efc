using EdgeBert.Cli.Models;
using EdgeBert.Format;

namespace EdgeBert.Cli.Tests.Models;

public class EmbeddedModelTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeBert.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("EdgeBert.sln not found above the test directory");
    }

    [Test]
    public void TheBinaryEmbedsModelsDefaultEbmExactlyWhenItExists()
    {
        string file = Path.Combine(RepositoryRoot(), "models", "default.ebm");
        var bytes = EmbeddedModel.TryGetBytes();
        if (!File.Exists(file))
        {
            // No trained model has shipped yet: "no model" must be null, never an empty model.
            Assert.That(bytes, Is.Null);
            Assert.That(typeof(Program).Assembly.GetManifestResourceNames(), Does.Not.Contain(EmbeddedModel.ResourceName));
            return;
        }
        Assert.That(bytes, Is.Not.Null);
        Assert.That(bytes!.Value.ToArray(), Is.EqualTo(File.ReadAllBytes(file)));
        // Read in place from the loaded image, not copied into a managed array (start-up time).
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes.Value, out _), Is.False);
        using var model = EbmFile.Load(bytes.Value, "embedded");
        Assert.That(model.Metadata.Labels, Is.Not.Empty, "the default model classifies");
    }
}
