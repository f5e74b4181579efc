using System.Buffers.Binary;
using System.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Tests.Data;

namespace EdgeBert.Trainer.Tests.Checkpoints;

public class SafeTensorsTests
{
    internal static byte[] Image(string header, byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    [Test]
    public void WriteThenRead_RoundTripsExactly()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "t.safetensors");
        float[] a = [1.5f, -2f, float.Epsilon, 3.25e-20f, 7f, 8f];
        SafeTensors.Write(path, [("a", [2, 3], a), ("b.bias", [1], [42f]), ("empty", [0], [])], new Dictionary<string, string> { ["format"] = "pt" });
        var read = SafeTensors.Read(path);
        Assert.That(read.Keys, Is.EquivalentTo(new[] { "a", "b.bias", "empty" }));
        Assert.That(read["a"].Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(read["a"].Values, Is.EqualTo(a));
        Assert.That(read["b.bias"].Values, Is.EqualTo(new[] { 42f }));
        Assert.That((File.ReadAllBytes(path).Length - 8) % 4, Is.EqualTo(0));
    }

    [Test]
    public void Read_ConvertsF16AndBF16()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteHalfLittleEndian(data, (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2), (Half)(-0.25f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), (ushort)(BitConverter.SingleToInt32Bits(3f) >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), (ushort)(BitConverter.SingleToInt32Bits(-96f) >> 16));
        var read = SafeTensors.Read(Image("""{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}""", data), "mem");
        Assert.That(read["h"].Values, Is.EqualTo(new[] { 1.5f, -0.25f }));
        Assert.That(read["b"].Values, Is.EqualTo(new[] { 3f, -96f }));
    }

    [TestCase("", "shorter than the 8-byte")]
    [TestCase("not json", "not valid JSON")]
    [TestCase("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}""", "outside the 8 data bytes")]
    [TestCase("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12 bytes")]
    [TestCase("""{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", "I64 is not supported")]
    [TestCase("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", "malformed header entry")]
    public void MalformedFiles_ThrowInvalidData(string header, string message)
    {
        byte[] bytes = header.Length == 0 ? new byte[3] : Image(header, new byte[8]);
        Assert.That(() => SafeTensors.Read(bytes, "bad.safetensors"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(message).And.Message.Contains("bad.safetensors"));
    }

    [Test]
    public void HeaderLongerThanTheFile_Throws()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        Assert.That(() => SafeTensors.Read(bytes, "x"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("header length 1000"));
    }

    [Test]
    public void Write_RejectsMismatchedShapesAndDuplicateNames()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "t.safetensors");
        Assert.That(() => SafeTensors.Write(path, [("a", [2, 2], new float[3])]), Throws.ArgumentException.With.Message.Contains("3 values"));
        Assert.That(() => SafeTensors.Write(path, [("a", [1], new float[1]), ("a", [1], new float[1])]), Throws.ArgumentException.With.Message.Contains("repeats"));
    }
}
