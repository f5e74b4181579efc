namespace EdgeBert.Trainer.Tests.Data;

/// <summary>
/// Locates the real data fetched by <c>scripts/fetch-data.sh</c>: EDGEBERT_DATA, else the repository's
/// <c>data/</c>. Tests that need it are ignored when it is absent, since tests never download.
/// </summary>
internal static class RealData
{
    /// <summary>The data directory when <paramref name="relative"/> exists under it, else null.</summary>
    public static string? Find(string relative)
    {
        string? data = Environment.GetEnvironmentVariable("EDGEBERT_DATA") is { Length: > 0 } fromEnv ? fromEnv : null;
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); data is null && dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeBert.sln")))
            {
                data = Path.Combine(dir.FullName, "data");
            }
        }
        return data is not null && Path.Exists(Path.Combine(data, relative)) ? data : null;
    }

    /// <summary>Like <see cref="Find"/>, but ignores the calling test when the data is absent.</summary>
    public static string Require(string relative) =>
        Find(relative) ?? throw new IgnoreException($"data/{relative} not present; run scripts/fetch-data.sh to enable this test.");
}
