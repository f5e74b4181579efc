namespace EdgeBert.Native.Tests;

public class AbiVersionTests
{
    [Test]
    public void AbiVersionIsOne() => Assert.That(Exports.AbiVersion, Is.EqualTo(1));
}
