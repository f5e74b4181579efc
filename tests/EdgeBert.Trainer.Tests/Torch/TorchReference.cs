using System.Diagnostics;
using System.Text.Json;

namespace EdgeBert.Trainer.Tests.Torch;

/// <summary>A host tensor exchanged with the PyTorch scripts: row-major values and their shape.</summary>
/// <param name="Data">The values, row-major.</param>
/// <param name="Shape">The dimensions.</param>
internal sealed record HostTensor(float[] Data, int[] Shape);

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
    public static void Write(string directory, string name, HostTensor t)
    {
        var bytes = new byte[t.Data.Length * sizeof(float)];
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

    /// <summary>
    /// The relative error of <paramref name="ours"/> against <paramref name="reference"/>:
    /// max_i |ours_i − reference_i| / max(max_i |reference_i|, <paramref name="floor"/>).
    /// </summary>
    public static double Error(float[] ours, float[] reference, double floor)
    {
        Assert.That(ours, Has.Length.EqualTo(reference.Length));
        double maxDiff = 0;
        for (int i = 0; i < ours.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs((double)ours[i] - reference[i]));
        return maxDiff / Math.Max(MaxAbs(reference), floor);
    }

    /// <summary>max_i |values_i|.</summary>
    public static double MaxAbs(float[] values) => values.Max(v => Math.Abs((double)v));

    /// <summary>
    /// Asserts that every gradient in <paramref name="gradients"/> is within <paramref name="tolerance"/>
    /// of the reference's grad.&lt;name&gt;.f32 in <paramref name="torchDir"/>, by <see cref="Error"/>
    /// with the floor 1e-2 · G, G the largest max|reference| over all of them (a gradient whose exact
    /// value is zero, like attention key biases', holds only rounding noise on both sides). Logs each error.
    /// </summary>
    public static void AssertGradients(string torchDir, string context, IReadOnlyDictionary<string, float[]> gradients, double tolerance)
    {
        var torchGrads = gradients.ToDictionary(g => g.Key, g => Read(torchDir, "grad." + g.Key, g.Value.Length));
        double g = torchGrads.Values.Max(MaxAbs);
        foreach ((string name, float[] grad) in gradients)
        {
            double error = Error(grad, torchGrads[name], 1e-2 * g);
            TestContext.Out.WriteLine($"{context}: grad {name} max|torch| {MaxAbs(torchGrads[name]):G3} error {error:G3}");
            Assert.That(error, Is.LessThanOrEqualTo(tolerance), $"{context}: gradient of {name}");
        }
    }

    /// <summary>Writes manifest.json: the configuration and the shapes of inputs and parameters.</summary>
    public static void WriteManifest(string directory, object config, IEnumerable<(string Name, HostTensor T)> inputs, IEnumerable<(string Name, HostTensor T)> parameters)
    {
        var manifest = new Dictionary<string, object>
        {
            ["config"] = config,
            ["inputs"] = inputs.ToDictionary(i => i.Name, i => i.T.Shape),
            ["parameters"] = parameters.ToDictionary(p => p.Name, p => p.T.Shape),
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest));
    }
}
