namespace EdgeBert.Trainer.Training;

/// <summary>
/// BERT's schedule: linear warm-up from 0 to the peak over <see cref="WarmupSteps"/> updates,
/// then linear decay to 0 at <see cref="TotalSteps"/>. Update s (0-based) uses
/// peak·(s + 1)/warmup during warm-up and peak·(total − s)/(total − warmup) after, so no update
/// is wasted on a zero rate.
/// </summary>
public sealed record LearningRateSchedule
{
    /// <summary>A schedule; warm-up may be 0.</summary>
    /// <exception cref="ArgumentException">peak is negative or not finite, total &lt; 1, or warmup outside [0, total].</exception>
    public LearningRateSchedule(float peak, long warmupSteps, long totalSteps)
    {
        if (!(peak >= 0f && float.IsFinite(peak))) throw new ArgumentException($"learning rate {peak} must be finite and ≥ 0.");
        if (totalSteps < 1) throw new ArgumentException($"total steps {totalSteps} must be at least 1.");
        if (warmupSteps < 0 || warmupSteps > totalSteps) throw new ArgumentException($"warm-up steps {warmupSteps} must lie in [0, {totalSteps}].");
        Peak = peak;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>The peak learning rate.</summary>
    public float Peak { get; }

    /// <summary>Updates of warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Updates in the whole run.</summary>
    public long TotalSteps { get; }

    /// <summary>The rate of update <paramref name="step"/> (0-based); 0 from <see cref="TotalSteps"/> on.</summary>
    public float At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step >= TotalSteps) return 0f;
        if (step < WarmupSteps) return (float)(Peak * (double)(step + 1) / WarmupSteps);
        return (float)(Peak * (double)(TotalSteps - step) / (TotalSteps - WarmupSteps));
    }
}
