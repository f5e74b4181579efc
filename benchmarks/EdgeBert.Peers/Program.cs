using EdgeBert.Encoder;

namespace EdgeBert.Peers;

/// <summary>
/// Entry point of the harness (driven by benchmarks/end-to-end.sh):
/// <code>
/// prepare  --out DIR [--layers 12]                  model-fp32.ebm and inputs.json in DIR
/// edgebert --dir DIR --json OUT [--schemes fp32,w8a8,w2a8,w1a8,w1a1] [--threads 1,2] [--runs 10] [--batch-runs 3] [--warmup-ms 1000]
/// ort      --dir DIR --model M.onnx --variant NAME --json OUT [--threads 1,2] [--runs 10] [--batch-runs 3] [--warmup-ms 1000]
///          [--strategies own-length,sorted-8,padded-32] [--optimized-model PATH]
/// </code>
/// Exit 0 on success, 2 on bad input (one line on stderr).
/// </summary>
public static class Program
{
    private const string FpModelFile = "model-fp32.ebm";
    private const string InputsFile = "inputs.json";

    /// <summary>Runs one command.</summary>
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length == 0) throw new UsageException("choose a command: prepare, edgebert or ort");
            var options = new Arguments(args.Skip(1));
            return args[0] switch
            {
                "prepare" => Prepare(options),
                "edgebert" => EdgeBert(options),
                "ort" => Ort(options),
                _ => throw new UsageException($"unknown command '{args[0]}'; choose prepare, edgebert or ort"),
            };
        }
        catch (Exception e) when (e is UsageException or IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException
            or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            Console.Error.WriteLine($"EdgeBert.Peers: {e.Message}");
            return 2;
        }
    }

    private static int Prepare(Arguments options)
    {
        string dir = options.Text("--out");
        var shape = BenchShape.BertBase(options.Positive("--layers", 12));
        options.EnsureAllRead();
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, FpModelFile), shape.Build(LinearScheme.Fp32));
        BenchInputs.Create(shape, shape.Seed + 1).Write(Path.Combine(dir, InputsFile));
        Console.Error.WriteLine($"  wrote {FpModelFile} and {InputsFile} ({shape.Layers} layers) to {dir}");
        return 0;
    }

    private static int EdgeBert(Arguments options)
    {
        string dir = options.Text("--dir"), json = options.Text("--json");
        var schemes = options.List("--schemes", "fp32,w8a8,w2a8,w1a8,w1a1").Select(name => LinearSchemes.TryParse(name, out var s)
            ? s : throw new UsageException($"unknown scheme '{name}'")).ToArray();
        var (threads, counts) = (options.PositiveList("--threads", "1,2"), Counts(options));
        options.EnsureAllRead();
        var inputs = BenchInputs.Read(Path.Combine(dir, InputsFile));
        var results = schemes.SelectMany(s => EdgeBertRunner.Run(inputs.Shape, Path.Combine(dir, FpModelFile), inputs, s, threads, counts)).ToList();
        new EngineReport(results, EdgeBertRunner.Info()).Write(json);
        return 0;
    }

    private static int Ort(Arguments options)
    {
        string dir = options.Text("--dir"), json = options.Text("--json"), model = options.Text("--model"), variant = options.Text("--variant");
        var (threads, counts) = (options.PositiveList("--threads", "1,2"), Counts(options));
        string[] strategies = options.List("--strategies", string.Join(',', BatchPlan.Strategies));
        string? optimized = options.Optional("--optimized-model");
        options.EnsureAllRead();
        var unknown = strategies.Except(BatchPlan.Strategies).ToArray();
        if (unknown.Length > 0) throw new UsageException($"unknown batch strategy {string.Join(", ", unknown)}; choose from {string.Join(", ", BatchPlan.Strategies)}");
        var inputs = BenchInputs.Read(Path.Combine(dir, InputsFile));
        if (!File.Exists(model)) throw new UsageException($"no ONNX model at {model}");
        var results = OrtRunner.Run(model, variant, inputs, threads, counts, strategies, optimized);
        new EngineReport(results, OrtRunner.Info()).Write(json);
        return 0;
    }

    private static RunCounts Counts(Arguments options) =>
        new(options.Positive("--runs", 10), options.Positive("--batch-runs", 3), TimeSpan.FromMilliseconds(options.Positive("--warmup-ms", 1000)));
}
