using System.Diagnostics;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>
/// The optimisation loop of pretraining, fine-tuning and distillation on LibTorch:
/// <see cref="TorchAdamW"/> with the
/// trainer's linear warm-up and decay (<see cref="LearningRateSchedule"/>, set on the optimizer
/// before every update), global-norm clipping by <c>torch.nn.utils.clip_grad_norm_</c>, dev
/// evaluation every <see cref="TrainingOptions.EvalEvery"/> updates (or each epoch) keeping the
/// best model in <c>best/</c>, a resumable <see cref="TorchCheckpoint"/> in <c>last/</c> at every
/// evaluation, epoch end and stop, and <c>metrics.jsonl</c>. Dropout draws from LibTorch's
/// generator, seeded from the run's seed and saved in the checkpoint, so a run stopped and resumed
/// gives the same losses and weights bit for bit as one that was not stopped (same thread count).
/// </summary>
public sealed class TorchTrainingLoop
{
    private readonly TorchBertModel model;
    private readonly IReadOnlyList<string> vocabulary;
    private readonly ITorchTrainingTask task;
    private readonly TrainingOptions options;
    private readonly IReadOnlyList<(string Name, Tensor Parameter)> parameters;

    /// <summary>
    /// A loop training <paramref name="model"/> on <paramref name="task"/>. The trained and saved
    /// parameters are <paramref name="parameters"/> when given (e.g. the model's weights plus a
    /// quantizer's learned steps), otherwise <see cref="TorchBertModel.NamedWeights"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public TorchTrainingLoop(TorchBertModel model, IReadOnlyList<string> vocabulary, ITorchTrainingTask task, TrainingOptions options, IReadOnlyList<(string Name, Tensor Parameter)>? parameters = null)
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
        this.parameters = parameters ?? [.. model.NamedWeights()];
        TotalSteps = options.MaxSteps > 0 ? options.MaxSteps : (long)options.Epochs * task.BatchesPerEpoch;
        WarmupSteps = (long)Math.Round(options.WarmupFraction * TotalSteps);
    }

    /// <summary>Updates planned.</summary>
    public long TotalSteps { get; }

    /// <summary>Updates of linear warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>The resumable checkpoint directory, or null.</summary>
    public string? LastDirectory => options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, "last");

    /// <summary>The best model directory, or null.</summary>
    public string? BestDirectory => options.OutputDirectory is null ? null : Path.Combine(options.OutputDirectory, "best");

    /// <summary>The seed of LibTorch's generator (dropout) at the start of a run: derived from the run's seed, apart from the one that initialised the model.</summary>
    public static long DropoutSeed(long seed) => (long)(TrainingRandom.Derive(seed, -2).NextUInt64() >> 1);

    /// <summary>
    /// Trains until the planned updates are done, <see cref="TrainingOptions.StopAfterSteps"/>, or
    /// cancellation (checked after every update; the checkpoint is saved before returning).
    /// </summary>
    public TrainingResult Run(ITrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        var schedule = new LearningRateSchedule(options.LearningRate, WarmupSteps, TotalSteps);
        using var optimizer = new TorchAdamW(parameters, options.AdamW);
        var state = new TorchTrainingState { Seed = options.Seed, Metric = task.Metric, WarmupSteps = WarmupSteps, TotalSteps = TotalSteps };
        if (options.OutputDirectory is not null) Directory.CreateDirectory(options.OutputDirectory);
        if (options.Resume && LastDirectory is not null && TorchCheckpoint.Exists(LastDirectory))
        {
            state = TorchCheckpoint.Load(LastDirectory, model.Config, parameters, optimizer);
            if (state.Seed != options.Seed) throw new ArgumentException($"--resume: the checkpoint was trained with seed {state.Seed}, not {options.Seed}.");
            if (state.TotalSteps != TotalSteps || state.WarmupSteps != WarmupSteps)
            {
                throw new ArgumentException($"--resume: the checkpoint's schedule has {state.TotalSteps} updates ({state.WarmupSteps} warm-up), this run {TotalSteps} ({WarmupSteps}); resume with the same options.");
            }
        }
        else
        {
            random.manual_seed(DropoutSeed(options.Seed));
        }

        using MetricsLog? log = options.OutputDirectory is null ? null : new MetricsLog(Path.Combine(options.OutputDirectory, "metrics.jsonl"));
        var losses = new List<float>();
        EvalResult? best = state.BestScore is { } bs ? new EvalResult(state.Metric, bs, state.BestValues) : null;
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        model.train();
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
                    var scores = new ModelScores { Metric = task.Metric, Dev = new(result.Values), Step = state.Step };
                    DirectorySwap.Replace(BestDirectory, directory => TorchModelDirectory.Save(directory, model.Config, parameters, vocabulary, scores));
                }
            }

            log?.OnEvaluation(state.Step, result, isBest);
            observer?.OnEvaluation(state.Step, result, isBest);
        }

        void SaveLast()
        {
            if (LastDirectory is not null) TorchCheckpoint.Save(LastDirectory, model.Config, parameters, vocabulary, optimizer, state);
        }

        while (state.Step < TotalSteps && !interrupted)
        {
            IReadOnlyList<Model.BertBatch> batches = task.EpochBatches(state.Epoch);
            for (int i = state.BatchInEpoch; i < batches.Count && state.Step < TotalSteps; i++)
            {
                float lr = schedule.At(state.Step);
                (float lossValue, double norm) = Update(optimizer, batches[i], state.Epoch, i, lr);
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
        optimizer.ZeroGrad();
        return new TrainingResult(state.Step, losses, best, state.BestStep, interrupted);
    }

    /// <summary>One update: loss, backward, clipping, AdamW at <paramref name="lr"/>; returns the loss and the gradient norm before clipping (NaN without clipping).</summary>
    private (float Loss, double Norm) Update(TorchAdamW optimizer, Model.BertBatch batch, int epoch, int index, float lr)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        Tensor loss = task.Loss(model, batch, epoch, index);
        float value = loss.item<float>();
        loss.backward();
        double norm = options.MaxGradNorm > 0 ? TorchGradientClipping.ClipGlobalNorm(parameters, options.MaxGradNorm) : double.NaN;
        optimizer.Step(lr);
        return (value, norm);
    }
}
