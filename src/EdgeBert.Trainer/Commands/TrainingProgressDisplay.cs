using EdgeBert.Trainer.Training;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// Shows a run on the console: a Spectre.Console progress bar (loss, tokens/s, ETA) when the
/// console is interactive, and one line per evaluation either way. SIGINT (Ctrl+C) and SIGTERM
/// (e.g. <c>timeout</c>, a batch scheduler) stop the run after the current update and save the
/// resumable checkpoint instead of killing the process; a second signal is not intercepted.
/// </summary>
internal static class TrainingProgressDisplay
{
    /// <summary>Runs <paramref name="loop"/> with the progress display and the signal handling.</summary>
    public static TrainingResult Run(IAnsiConsole ui, Torch.Training.TorchTrainingLoop loop, string title)
    {
        ArgumentNullException.ThrowIfNull(loop);
        long totalSteps = loop.TotalSteps;
        Func<ITrainingObserver, CancellationToken, TrainingResult> run = loop.Run;
        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return ui.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(title), maxValue: totalSteps);
                return run(new Observer(ui, task, title), stop.Token);
            });

        void OnSignal(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested) return; // a second signal terminates as usual
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private sealed class Observer(IAnsiConsole ui, ProgressTask task, string title) : ITrainingObserver
    {
        public void OnStep(StepReport report)
        {
            task.Value = report.Step;
            task.Description = Markup.Escape($"{title} step {report.Step}/{report.TotalSteps} loss {report.Loss:0.0000} {report.TokensPerSecond:0} tok/s");
        }

        public void OnEvaluation(long step, EvalResult result, bool isBest)
        {
            string values = string.Join(" ", result.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value:0.0000}"));
            ui.MarkupLine(Markup.Escape($"dev @ step {step}: {values}{(isBest ? " (best)" : "")}"));
        }
    }
}
