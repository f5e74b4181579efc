namespace EdgeBert.Trainer.Training;

/// <summary>One optimizer update, as reported to observers and the metrics log.</summary>
/// <param name="Step">Updates done (1-based).</param>
/// <param name="TotalSteps">Updates planned.</param>
/// <param name="Epoch">The epoch (0-based).</param>
/// <param name="Loss">The batch loss.</param>
/// <param name="LearningRate">The rate used.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="Tokens">Real tokens in the batch.</param>
/// <param name="TokensPerSecond">Training throughput since the run (or resume) started.</param>
public sealed record StepReport(long Step, long TotalSteps, int Epoch, float Loss, float LearningRate, double GradNorm, int Tokens, double TokensPerSecond);

/// <summary>Receives progress from the training loop (<c>Torch/Training/TorchTrainingLoop</c>) (progress bars, logs).</summary>
public interface ITrainingObserver
{
    /// <summary>After every update.</summary>
    void OnStep(StepReport report);

    /// <summary>After every dev evaluation; <paramref name="isBest"/> when it became the best checkpoint.</summary>
    void OnEvaluation(long step, EvalResult result, bool isBest);
}
