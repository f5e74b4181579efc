namespace EdgeBert.Trainer.Training;

/// <summary>A dev evaluation.</summary>
/// <param name="Metric">The ranking metric's name.</param>
/// <param name="Score">Its value (higher is better).</param>
/// <param name="Values">Every metric computed, by name (e.g. accuracy, f1, mcc, loss).</param>
public sealed record EvalResult(string Metric, double Score, IReadOnlyDictionary<string, double> Values);

/// <summary>What a run did.</summary>
/// <param name="Steps">Updates done in total (including those before a resume).</param>
/// <param name="Losses">The loss of every update this call made, in order.</param>
/// <param name="Best">The best dev evaluation (null without dev data).</param>
/// <param name="BestStep">The step of <paramref name="Best"/>.</param>
/// <param name="Interrupted">True when it stopped at <see cref="TrainingOptions.StopAfterSteps"/> or on cancellation.</param>
public sealed record TrainingResult(long Steps, IReadOnlyList<float> Losses, EvalResult? Best, long BestStep, bool Interrupted);
