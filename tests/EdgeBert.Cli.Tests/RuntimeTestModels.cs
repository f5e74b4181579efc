using EdgeBert.Cli.Bench;
using EdgeBert.Encoder;

namespace EdgeBert.Cli.Tests;

/// <summary>Tiny random models the runtime can load (hidden 16, 2 heads, ffn 32, 1 layer, 8 positions), written to a test's folder.</summary>
internal static class RuntimeTestModels
{
    internal const int Hidden = 16, MaxPositions = 8;

    internal static byte[] Bytes(LinearScheme scheme = LinearScheme.W1A1, string[]? labels = null, int seed = 9) =>
        RandomBenchModel.Build(scheme, layers: 1, MaxPositions, Hidden, heads: 2, ffn: 32, seed, labels ?? ["ham", "spam"]);

    internal static string Write(string directory, LinearScheme scheme = LinearScheme.W1A1, string[]? labels = null, int seed = 9)
    {
        string path = Path.Combine(directory, $"model-{scheme}-{seed}-{labels?.Length ?? 2}.ebm");
        File.WriteAllBytes(path, Bytes(scheme, labels, seed));
        return path;
    }
}
