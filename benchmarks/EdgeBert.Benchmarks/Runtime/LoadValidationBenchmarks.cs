using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Runtime;

namespace EdgeBert.Benchmarks.Runtime;

/// <summary>
/// What the load-time finiteness check (issue 15) costs: <see cref="Load"/> is the whole
/// <c>Model.Load</c> (map, validate, checksums and finiteness, pack, vocabulary);
/// <see cref="Verify"/> the data verification within it (CRC, packing invariants and the
/// finiteness scan fused with the CRC pass) and <see cref="ChecksumsOnly"/> the CRC alone, so
/// Verify − ChecksumsOnly bounds what the check adds; <see cref="FiniteScanOnly"/> is the scan as
/// a separate pass over memory, for comparison. (In the load the verification runs on a second
/// thread, beside the packing, for models over 1 MiB.)
/// Files: the largest shipped model and BERT-base shapes (12 × 768, FFN 3072, 30,522-token
/// vocabulary, 512 positions) in W1A1 and FP32, written once to the temp folder.
/// Run: <c>dotnet run -c Release --project benchmarks/EdgeBert.Benchmarks -- --filter '*LoadValidation*'</c>.
/// </summary>
[Config(typeof(InProcessMonitoring))]
[MinColumn]
public class LoadValidationBenchmarks
{
    /// <summary>In process (no generated project to build on a busy machine), each iteration one call.</summary>
    private sealed class InProcessMonitoring : ManualConfig
    {
        public InProcessMonitoring() => AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1)
            .WithWarmupCount(3).WithIterationCount(15).WithToolchain(InProcessEmitToolchain.Instance));
    }

    private string _path = "";
    private EbmFile? _file;

    /// <summary>Which model file.</summary>
    [Params("spam-fp32-teacher", "bert-base-w1a1", "bert-base-fp32")]
    public string File { get; set; } = "";

    /// <summary>Finds or writes the file and maps it for the partial passes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = File switch
        {
            "bert-base-w1a1" => BertBase(LinearScheme.W1A1),
            "bert-base-fp32" => BertBase(LinearScheme.Fp32),
            _ => Shipped(File),
        };
        _file = EbmFile.Open(_path);
        Console.WriteLine($"// {File}: {_path}, {new FileInfo(_path).Length} bytes, {_file.Tensors.Where(t => t.DType is EbmDType.F32 or EbmDType.F16).Sum(t => t.Length)} bytes of FP32/FP16 tensors");
    }

    /// <summary>Unmaps the file.</summary>
    [GlobalCleanup]
    public void Cleanup() => _file?.Dispose();

    /// <summary>The whole load, finiteness check included.</summary>
    [Benchmark(Baseline = true)]
    public int Load()
    {
        using var model = Model.Load(_path);
        return model.HiddenSize;
    }

    /// <summary>The load's data verification: checksums, packing invariants and, fused with the checksum pass, finiteness.</summary>
    [Benchmark]
    public int Verify()
    {
        _file!.VerifyTensors();
        return _file.Tensors.Count;
    }

    /// <summary>The finiteness scan of every FP32/FP16 tensor on its own (a separate pass over memory).</summary>
    [Benchmark]
    public int FiniteScanOnly()
    {
        int found = 0;
        foreach (var t in _file!.Tensors)
        {
            if (t.DType == EbmDType.F32) found += FiniteScan.IndexOfNonFinite(_file.GetF32(t.Name));
            else if (t.DType == EbmDType.F16) found += FiniteScan.IndexOfNonFinite(_file.GetF16(t.Name));
        }
        return found;
    }

    /// <summary>The CRC-32C of every tensor on its own.</summary>
    [Benchmark]
    public uint ChecksumsOnly()
    {
        uint all = 0;
        foreach (var t in _file!.Tensors) all ^= Crc32C.Compute(_file.GetBytes(t));
        return all;
    }

    private static string Shipped(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "models", name + ".ebm");
            if (System.IO.File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"models/{name}.ebm not found above {AppContext.BaseDirectory}");
    }

    private static string BertBase(LinearScheme scheme)
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-bert-base-{scheme.ToString().ToLowerInvariant()}.ebm");
        if (System.IO.File.Exists(path)) return path;
        var vocabulary = RandomBert.DefaultVocabulary().ToList();
        for (int i = vocabulary.Count; i < 30_522; i++) vocabulary.Add($"tok{i}");
        var options = new RandomBertOptions
        {
            Vocabulary = vocabulary, Layers = 12, Hidden = 768, Heads = 12, Ffn = 3072, MaxPositions = 512, Scheme = scheme, Seed = 11,
        };
        string partial = path + ".partial";
        using (var stream = System.IO.File.Create(partial)) RandomBert.Build(options).WriteTo(stream);
        System.IO.File.Move(partial, path, overwrite: true);
        return path;
    }
}
