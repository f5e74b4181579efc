using EdgeBert.Runtime;
using EdgeBert.Tooling;
using EdgeBert.Trainer.Commands;

namespace EdgeBert.Native.Tests;

/// <summary>A small random model (fixed seed) as bytes and as a file, shared by the tests.</summary>
internal static class TestModel
{
    public static readonly RandomBertOptions Options = new()
    {
        Layers = 2, Hidden = 32, Heads = 2, Ffn = 64, MaxPositions = 32, Labels = ["neg", "neu", "pos"], Seed = 7,
    };

    private static readonly Lazy<byte[]> s_bytes = new(() =>
    {
        using var stream = new MemoryStream();
        RandomModelCommand.Build(Options).WriteTo(stream);
        return stream.ToArray();
    });

    private static readonly Lazy<string> s_path = new(() =>
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgebert-native-tests-{Environment.ProcessId}.ebm");
        File.WriteAllBytes(path, Bytes);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    });

    public static byte[] Bytes => s_bytes.Value;

    public static string Path => s_path.Value;

    /// <summary>A temporary file holding <paramref name="bytes"/>, deleted on dispose.</summary>
    public static TempFile Write(ReadOnlySpan<byte> bytes)
    {
        string path = System.IO.Path.GetTempFileName();
        File.WriteAllBytes(path, bytes.ToArray());
        return new TempFile(path);
    }

    public sealed class TempFile(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose() => File.Delete(Path);
    }
}
