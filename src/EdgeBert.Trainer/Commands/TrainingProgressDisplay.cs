using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// Shows a run on the console: a Spectre.Console progress bar (loss, tokens/s, ETA) when the
/// console is interactive, and one line per evaluation either way.
/// </summary>
internal static class TrainingProgressDisplay
{
    public static TrainingResult Run(IAnsiConsole ui, TrainingLoop loop, string title)
    {
        return ui.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(title), maxValue: loop.TotalSteps);
                return loop.Run(new Observer(ui, task, title));
            });
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
