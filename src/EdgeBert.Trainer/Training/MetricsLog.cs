using System.Text.Json;

namespace EdgeBert.Trainer.Training;

/// <summary>
/// The per-run metrics log: JSON lines appended to <c>metrics.jsonl</c>, one
/// <c>{"event":"step",...}</c> per update and one <c>{"event":"eval",...}</c> per dev evaluation.
/// A resumed run appends to the same file.
/// </summary>
public sealed class MetricsLog : ITrainingObserver, IDisposable
{
    private readonly StreamWriter writer;

    /// <summary>Opens (appending) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void OnStep(StepReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        WriteLine(json =>
        {
            json.WriteString("event", "step");
            Number(json, "step", report.Step);
            Number(json, "epoch", report.Epoch);
            Number(json, "loss", report.Loss);
            Number(json, "lr", report.LearningRate);
            Number(json, "gradNorm", report.GradNorm);
            Number(json, "tokens", report.Tokens);
            Number(json, "tokensPerSecond", Math.Round(report.TokensPerSecond, 1));
        });
    }

    /// <inheritdoc />
    public void OnEvaluation(long step, EvalResult result, bool isBest)
    {
        ArgumentNullException.ThrowIfNull(result);
        WriteLine(json =>
        {
            json.WriteString("event", "eval");
            Number(json, "step", step);
            json.WriteString("metric", result.Metric);
            Number(json, "score", result.Score);
            json.WriteBoolean("best", isBest);
            foreach ((string name, double value) in result.Values.OrderBy(v => v.Key, StringComparer.Ordinal)) Number(json, name, value);
        });
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();

    /// <summary>JSON has no NaN or infinity: those are written as strings so a diverged run still logs.</summary>
    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteString(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
