using Microsoft.ML.OnnxRuntime;

namespace EdgeBert.Peers;

/// <summary>
/// Times ONNX Runtime (CPU execution provider, C# API) on one ONNX export of the harness model:
/// every graph optimisation on, <c>IntraOpNumThreads</c> set to exactly the thread count,
/// <c>InterOpNumThreads</c> 1, sequential execution. Inputs are int64 input_ids, token_type_ids
/// and attention_mask [batch, tokens]; outputs logits [batch, labels] (and pooled, not fetched).
/// Every tensor is built before the timing, so only <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/> is timed.
/// </summary>
internal static class OrtRunner
{
    private static readonly string[] InputNames = ["input_ids", "token_type_ids", "attention_mask"];
    private static readonly string[] OutputNames = ["logits"];

    /// <summary>Times the model at each thread count; <paramref name="optimizedModelPath"/>, when set, receives ORT's optimised graph (from an untimed session) for inspection.</summary>
    internal static IReadOnlyList<EngineResult> Run(string modelPath, string variant, BenchInputs inputs, IReadOnlyList<int> threadCounts,
        RunCounts counts, IReadOnlyList<string> strategies, string? optimizedModelPath)
    {
        if (optimizedModelPath is not null)
        {
            // A session of its own, not timed, so that saving cannot change the timed sessions.
            using var saving = Options(threadCounts[0]);
            saving.OptimizedModelFilePath = optimizedModelPath;
            using var _ = new InferenceSession(modelPath, saving);
        }
        var results = new List<EngineResult>();
        foreach (int threads in threadCounts)
        {
            using var options = Options(threads);
            using var session = new InferenceSession(modelPath, options);
            results.Add(Measure(session, inputs, variant, threads, counts, strategies));
        }
        return results;
    }

    private static SessionOptions Options(int threads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = threads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };

    /// <summary>Facts about the ONNX Runtime of this process.</summary>
    internal static Dictionary<string, string> Info() => new()
    {
        ["runtime"] = $"ONNX Runtime {OrtEnv.Instance().GetVersionString()} (NuGet Microsoft.ML.OnnxRuntime, CPU execution provider), .NET {Environment.Version}",
        ["providers"] = string.Join(", ", OrtEnv.Instance().GetAvailableProviders()),
        ["session_options"] = "GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode.ORT_SEQUENTIAL",
        ["single_call"] = "InferenceSession.Run on prebuilt int64 tensors [1, 128]",
    };

    private static EngineResult Measure(InferenceSession session, BenchInputs inputs, string variant, int threads, RunCounts counts, IReadOnlyList<string> strategies)
    {
        using var runOptions = new RunOptions();
        using var single = Call.Of([inputs.Single.Ids], [0], inputs.Single.Ids.Length);
        float[] singleLogits = [];
        var singleTiming = Timing.Measure(() => singleLogits = single.Run(session, runOptions)[0], 2, counts.Warmup, counts.Runs);
        Console.Error.WriteLine($"  onnxruntime {variant} threads={threads}: {singleTiming.MedianMs:F1} ms per 128-token sequence");

        int[] lengths = inputs.Batch.Select(s => s.Ids.Length).ToArray();
        var batchLogits = new float[lengths.Length][];
        var batch = new List<BatchResult>();
        foreach (string strategy in strategies)
        {
            var plan = BatchPlan.Create(strategy, lengths);
            var calls = plan.Groups.Select(g => Call.Of(g.Select(i => inputs.Batch[i].Ids).ToArray(), g, g.Max(i => lengths[i]))).ToArray();
            try
            {
                var pass = Timing.Measure(() =>
                {
                    foreach (var call in calls)
                    {
                        float[][] rows = call.Run(session, runOptions);
                        for (int r = 0; r < rows.Length; r++) batchLogits[call.Texts[r]] = rows[r];
                    }
                }, 1, TimeSpan.Zero, counts.BatchRuns);
                batch.Add(BatchResult.Of(plan.Strategy, plan.Description, pass, lengths.Length, plan.ComputedTokens(lengths)));
                Console.Error.WriteLine($"  onnxruntime {variant} threads={threads}: batch {strategy} {batch[^1].SequencesPerSecond:F1} sequences/s");
            }
            finally
            {
                foreach (var call in calls) call.Dispose();
            }
        }
        return new EngineResult("onnxruntime", variant, threads, singleTiming, [.. batch], singleLogits, batchLogits);
    }

    /// <summary>The prebuilt input tensors of one Run: a group of texts padded to one length.</summary>
    private sealed class Call : IDisposable
    {
        private readonly OrtValue[] _values;

        private Call(OrtValue[] values, int[] texts)
        {
            _values = values;
            Texts = texts;
        }

        /// <summary>Indices of the batch texts in this call, in row order.</summary>
        internal int[] Texts { get; }

        /// <summary>Tensors for <paramref name="sequences"/> padded with [PAD] (id 0, mask 0) to <paramref name="length"/>.</summary>
        internal static Call Of(int[][] sequences, int[] texts, int length)
        {
            int rows = sequences.Length;
            var ids = new long[rows * length];
            var mask = new long[rows * length];
            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < sequences[r].Length; t++)
                {
                    ids[r * length + t] = sequences[r][t];
                    mask[r * length + t] = 1;
                }
            }
            long[] shape = [rows, length];
            return new Call(
            [
                OrtValue.CreateTensorValueFromMemory(ids, shape),
                OrtValue.CreateTensorValueFromMemory(new long[rows * length], shape),
                OrtValue.CreateTensorValueFromMemory(mask, shape),
            ], texts);
        }

        /// <summary>Runs the session and returns the logits, one row per text.</summary>
        internal float[][] Run(InferenceSession session, RunOptions runOptions)
        {
            using var outputs = session.Run(runOptions, InputNames, _values, OutputNames);
            var logits = outputs[0];
            long[] shape = logits.GetTensorTypeAndShape().Shape;
            ReadOnlySpan<float> data = logits.GetTensorDataAsSpan<float>();
            int width = (int)shape[1];
            var rows = new float[shape[0]][];
            for (int r = 0; r < rows.Length; r++) rows[r] = data.Slice(r * width, width).ToArray();
            return rows;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var value in _values) value.Dispose();
        }
    }
}
