using System.Diagnostics;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>What a run did.</summary>
/// <param name="Steps">Updates done in total (including those before a resume).</param>
/// <param name="Losses">The loss of every update this call made, in order.</param>
/// <param name="Best">The best dev evaluation (null without dev data).</param>
/// <param name="BestStep">The step of <paramref name="Best"/>.</param>
/// <param name="Interrupted">True when it stopped at <see cref="TrainingOptions.StopAfterSteps"/> or on cancellation.</param>
public sealed record TrainingResult(long Steps, IReadOnlyList<float> Losses, EvalResult? Best, long BestStep, bool Interrupted);

/// <summary>
/// The optimisation loop shared by pretraining and fine-tuning: AdamW with linear warm-up and
/// decay, gradient clipping, periodic dev evaluation keeping the best model in <c>best/</c>,
/// resumable checkpoints in <c>last/</c>, and a JSON-lines metrics log. With the same seed and
/// thread count two runs produce the same losses bit for bit, and a run interrupted and resumed
/// from <c>last/</c> continues exactly as if it had not stopped.
/// </summary>
public sealed class TrainingLoop
{
    private readonly BertModel model;
    private readonly IReadOnlyList<string> vocabulary;
    private readonly ITrainingTask task;
    private readonly TrainingOptions options;

    /// <summary>A loop training <paramref name="model"/> on <paramref name="task"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public TrainingLoop(BertModel model, IReadOnlyList<string> vocabulary, ITrainingTask task, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.model = model;
        this.vocabulary = vocabulary;
        this.task = task;
        this.options = options;
        TotalSteps = options.MaxSteps > 0 ? options.MaxSteps : (long)options.Epochs * task.BatchesPerEpoch;
    }

    /// <summary>Updates planned.</summary>
    public long TotalSteps { get; }

    /// <summary>The resumable checkpoint directory, or null.</summary>
    public string? LastDirectory => options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, "last");

    /// <summary>The best model directory, or null.</summary>
    public string? BestDirectory => options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, "best");

    /// <summary>Trains until the planned updates are done, <see cref="TrainingOptions.StopAfterSteps"/>, or cancellation.</summary>
    public TrainingResult Run(ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        var schedule = new LearningRateSchedule(options.LearningRate, (long)Math.Round(options.WarmupFraction * TotalSteps), TotalSteps);
        var optimizer = new AdamW(model.NamedParameters(), options.AdamW);
        var state = new TrainingState { Seed = options.Seed, Metric = task.Metric };
        if (options.OutputDirectory is not null) Directory.CreateDirectory(options.OutputDirectory);
        if (options.Resume && LastDirectory is not null && TrainingCheckpoint.Exists(LastDirectory))
        {
            state = TrainingCheckpoint.Load(LastDirectory, model, optimizer);
            if (state.Seed != options.Seed) throw new ArgumentException($"--resume: the checkpoint was trained with seed {state.Seed}, not {options.Seed}.");
        }

        using MetricsLog? log = options.OutputDirectory is null ? null : new MetricsLog(Path.Combine(options.OutputDirectory, "metrics.jsonl"));
        var losses = new List<float>();
        EvalResult? best = state.BestScore is { } bs ? new EvalResult(state.Metric, bs, state.BestValues) : null;
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        model.Training = true;
        bool interrupted = false;
        long lastEvalStep = -1;

        void Evaluate()
        {
            if (!task.HasDev || lastEvalStep == state.Step) return;
            lastEvalStep = state.Step;
            EvalResult result = task.Evaluate(model);
            bool isBest = best is null || result.Score > best.Score;
            if (isBest)
            {
                best = result;
                state = state with { BestScore = result.Score, BestStep = state.Step, BestValues = new Dictionary<string, double>(result.Values) };
                if (BestDirectory is not null)
                {
                    ModelDirectory.Save(BestDirectory, model, vocabulary, new ModelScores { Metric = task.Metric, Dev = new(result.Values), Step = state.Step });
                }
            }

            log?.OnEvaluation(state.Step, result, isBest);
            observer?.OnEvaluation(state.Step, result, isBest);
        }

        void SaveLast()
        {
            if (LastDirectory is null) return;
            TrainingCheckpoint.Save(LastDirectory, model, vocabulary, optimizer, state with { RandomState = model.Random.GetState() });
        }

        while (state.Step < TotalSteps && !interrupted)
        {
            IReadOnlyList<BertBatch> batches = task.EpochBatches(state.Epoch);
            for (int i = state.BatchInEpoch; i < batches.Count && state.Step < TotalSteps; i++)
            {
                model.ZeroGrad();
                Tensor loss = task.Loss(model, batches[i], state.Epoch, i);
                float lossValue = loss.Item();
                loss.Backward();
                double norm = options.MaxGradNorm > 0 ? GradientClipping.ClipGlobalNorm(model.Parameters(), options.MaxGradNorm) : double.NaN;
                float lr = schedule.At(state.Step);
                optimizer.Update(lr);
                state = state with { Step = state.Step + 1, BatchInEpoch = i + 1 };
                losses.Add(lossValue);
                int batchTokens = batches[i].TokenCount;
                tokens += batchTokens;
                var report = new StepReport(state.Step, TotalSteps, state.Epoch, lossValue, lr, norm, batchTokens, tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
                log?.OnStep(report);
                observer?.OnStep(report);
                if (options.EvalEvery > 0 && state.Step % options.EvalEvery == 0)
                {
                    Evaluate();
                    SaveLast(); // a run killed later resumes from here
                }
                if ((options.StopAfterSteps > 0 && state.Step >= options.StopAfterSteps) || cancellation.IsCancellationRequested)
                {
                    interrupted = state.Step < TotalSteps;
                    if (interrupted) break;
                }
            }

            if (interrupted) break;
            if (state.BatchInEpoch >= batches.Count)
            {
                if (options.EvalEvery == 0) Evaluate();
                state = state with { Epoch = state.Epoch + 1, BatchInEpoch = 0 };
                SaveLast(); // each epoch boundary is a resumable point

            }
        }

        if (!interrupted) Evaluate();
        SaveLast();
        model.ZeroGrad();
        return new TrainingResult(state.Step, losses, best, state.BestStep, interrupted);
    }
}
