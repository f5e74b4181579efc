using CommunityToolkit.HighPerformance;
using EdgeBert.Encoder;
using EdgeBert.Kernels;
using EdgeBert.Runtime;

namespace EdgeBert.Peers;

/// <summary>
/// Times EdgeBert on the harness model in one scheme: <see cref="Session.ClassifyTokens"/> on
/// the 128-token ids (tokenization not timed, as the peers get ids), and
/// <see cref="Session.ClassifyBatch"/> over the 32 texts (tokenization timed: it is part of the
/// call; each text runs at its own length, no padding).
/// </summary>
internal static class EdgeBertRunner
{
    /// <summary>Loads (FP32: the file the peers were built from) or builds the model and times it at each thread count.</summary>
    internal static IReadOnlyList<EngineResult> Run(BenchShape shape, string fp32ModelPath, BenchInputs inputs, LinearScheme scheme,
        IReadOnlyList<int> threadCounts, RunCounts counts)
    {
        byte[] bytes = scheme == LinearScheme.Fp32 ? File.ReadAllBytes(fp32ModelPath) : shape.Build(scheme);
        using var model = Model.Load(bytes);
        var results = new List<EngineResult>();
        foreach (int threads in threadCounts)
        {
            var session = model.CreateSession(new SessionOptions { Threads = threads });
            results.Add(Measure(session, inputs, LinearSchemes.Name(scheme), threads, counts));
        }
        return results;
    }

    /// <summary>Facts about the EdgeBert runtime of this process.</summary>
    internal static Dictionary<string, string> Info() => new()
    {
        ["runtime"] = $".NET {Environment.Version} JIT (tiered, Release build)",
        ["kernel_isa"] = KernelIsaSelector.Active.ToString(),
        ["single_call"] = "Session.ClassifyTokens(ids): token ids in, logits out",
        ["batch_call"] = "Session.ClassifyBatch(texts): tokenizes, then each text at its own length",
    };

    private static EngineResult Measure(Session session, BenchInputs inputs, string variant, int threads, RunCounts counts)
    {
        int labels = session.Model.Labels.Count;
        var singleLogits = new float[labels];
        int[] ids = inputs.Single.Ids;
        var single = Timing.Measure(() => session.ClassifyTokens(ids, default, singleLogits), 2, counts.Warmup, counts.Runs);
        Console.Error.WriteLine($"  edgebert {variant} threads={threads}: {single.MedianMs:F1} ms per 128-token sequence");

        string[] texts = inputs.Batch.Select(s => s.Text).ToArray();
        var classifications = new Classification[texts.Length];
        var batchLogits = new float[texts.Length, labels];
        var pass = Timing.Measure(() => session.ClassifyBatch(texts, classifications, batchLogits.AsSpan2D()), 1, TimeSpan.Zero, counts.BatchRuns);
        for (int i = 0; i < texts.Length; i++)
        {
            if (classifications[i].TokenCount != inputs.Batch[i].Ids.Length)
            {
                throw new InvalidOperationException($"text {i} has {classifications[i].TokenCount} tokens, its ids {inputs.Batch[i].Ids.Length}: the inputs do not belong to this model");
            }
        }
        var batch = BatchResult.Of("own-length", "Session.ClassifyBatch: 32 texts, each tokenized and run at its own length", pass, texts.Length, inputs.BatchTokens);
        Console.Error.WriteLine($"  edgebert {variant} threads={threads}: batch {batch.SequencesPerSecond:F1} sequences/s");
        float[][] rows = Enumerable.Range(0, texts.Length).Select(i => Enumerable.Range(0, labels).Select(j => batchLogits[i, j]).ToArray()).ToArray();
        return new EngineResult("edgebert", variant, threads, single, [batch], singleLogits, rows);
    }
}
