using System.CommandLine;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Commands;

/// <summary>The optimisation options shared by <c>pretrain</c> and <c>finetune</c>.</summary>
internal sealed class TrainingRunOptions(float defaultLearningRate, int defaultEpochs, int defaultBatchSize)
{
    public Option<string> Out { get; } = CommandSupport.Required<string>("--out", "Run directory: last/ (resumable checkpoint), best/ (best dev model), metrics.jsonl.");

    public Option<int> Epochs { get; } = CommandSupport.Option("--epochs", "Passes over the training data.", defaultEpochs);

    public Option<long> MaxSteps { get; } = CommandSupport.Option("--max-steps", "Total updates (0: epochs × batches).", 0L);

    public Option<int> BatchSize { get; } = CommandSupport.Option("--batch-size", "Sequences per update.", defaultBatchSize);

    public Option<float> LearningRate { get; } = CommandSupport.Option("--lr", "Peak learning rate.", defaultLearningRate);

    public Option<double> Warmup { get; } = CommandSupport.Option("--warmup", "Fraction of updates for linear warm-up.", 0.1);

    public Option<float> WeightDecay { get; } = CommandSupport.Option("--weight-decay", "AdamW weight decay (not on biases and LayerNorm).", 0.01f);

    public Option<double> Clip { get; } = CommandSupport.Option("--clip", "Global gradient-norm limit (0: off).", 1.0);

    public Option<long> Seed { get; } = CommandSupport.Option("--seed", "Seed of initialisation, data order, masking and dropout.", 42L);

    public Option<int> Threads { get; } = CommandSupport.Option("--threads", "Threads (results are identical for the same thread count).", Math.Min(Environment.ProcessorCount, 2));

    public Option<long> EvalEvery { get; } = CommandSupport.Option("--eval-every", "Evaluate on dev every N updates (0: each epoch).", 0L);

    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from OUT/last after an interruption (same options)." };

    public Option<long> StopAfter { get; } = CommandSupport.Option("--stop-after", "Stop after N updates, saving OUT/last (resume later).", 0L);

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Out, Epochs, MaxSteps, BatchSize, LearningRate, Warmup, WeightDecay, Clip, Seed, Threads, EvalEvery, Resume, StopAfter })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The loop options (the commands apply the thread count to LibTorch).</summary>
    public TrainingOptions Build(ParseResult parse)
    {
        int threads = parse.GetValue(Threads);
        if (threads < 1) throw new ArgumentException($"--threads must be at least 1 (got {threads}).");
        if (parse.GetValue(BatchSize) < 1) throw new ArgumentException($"--batch-size must be at least 1 (got {parse.GetValue(BatchSize)}).");
        var options = new TrainingOptions
        {
            Epochs = parse.GetValue(Epochs),
            MaxSteps = parse.GetValue(MaxSteps),
            LearningRate = parse.GetValue(LearningRate),
            WarmupFraction = parse.GetValue(Warmup),
            AdamW = new AdamWOptions { WeightDecay = parse.GetValue(WeightDecay) },
            MaxGradNorm = parse.GetValue(Clip),
            Seed = parse.GetValue(Seed),
            EvalEvery = parse.GetValue(EvalEvery),
            OutputDirectory = parse.GetValue(Out),
            Resume = parse.GetValue(Resume),
            StopAfterSteps = parse.GetValue(StopAfter),
        };
        options.Validate();
        return options;
    }
}
