using System.Diagnostics;
using System.Text.Json;
using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Nn;

/// <summary>
/// Runs a script under scripts/torch with Debian's PyTorch (/usr/bin/python3) on tensors
/// exchanged as raw little-endian float32 files. When Python or torch is missing the test is
/// ignored locally and fails in CI (env CI=true), so CI can never skip the parity check silently.
/// </summary>
internal static class TorchReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Ignores (or, in CI, fails) the current test with <paramref name="why"/>.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Unavailable(string why)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"PyTorch reference unavailable in CI: {why}");
        }

        Assert.Ignore($"PyTorch reference unavailable: {why} (set up with scripts/setup.sh; CI=true turns this into a failure)");
    }

    /// <summary>The repository file at <paramref name="relativePath"/>, found above the test's directory.</summary>
    public static string RepoFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"{relativePath} not found above {TestContext.CurrentContext.TestDirectory}");
    }

    /// <summary>Runs the script on <paramref name="directory"/>; exit 3 from the script means torch is missing.</summary>
    public static void Run(string script, string directory)
    {
        if (!File.Exists(Python)) Unavailable($"{Python} does not exist");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoFile(script));
        start.ArgumentList.Add(directory);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within 3 minutes");
        }

        string output = stdout.Result + stderr.Result;
        TestContext.Out.WriteLine(output);
        if (process.ExitCode == 3) Unavailable(output.Trim());
        Assert.That(process.ExitCode, Is.Zero, $"{script} failed: {output}");
    }

    /// <summary>Writes a tensor as &lt;name&gt;.f32.</summary>
    public static void Write(string directory, string name, Tensor t)
    {
        var bytes = new byte[t.Length * sizeof(float)];
        Buffer.BlockCopy(t.Data, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the exchange format is little-endian");
        File.WriteAllBytes(Path.Combine(directory, name + ".f32"), bytes);
    }

    /// <summary>Reads &lt;name&gt;.f32 and checks it holds <paramref name="count"/> values.</summary>
    public static float[] Read(string directory, string name, int count)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(directory, name + ".f32"));
        Assert.That(bytes.Length, Is.EqualTo(count * sizeof(float)), $"{name}.f32 size");
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>Writes manifest.json: the configuration and the shapes of inputs and parameters.</summary>
    public static void WriteManifest(string directory, object config, IEnumerable<(string Name, Tensor T)> inputs, IEnumerable<(string Name, Tensor T)> parameters)
    {
        var manifest = new Dictionary<string, object>
        {
            ["config"] = config,
            ["inputs"] = inputs.ToDictionary(i => i.Name, i => i.T.ShapeArray()),
            ["parameters"] = parameters.ToDictionary(p => p.Name, p => p.T.ShapeArray()),
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest));
    }
}
