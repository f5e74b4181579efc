using System.Globalization;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>One line of the progressive run's summary table.</summary>
/// <param name="Step">Step name (or <c>teacher</c>).</param>
/// <param name="Stage">"stage 1", "stage 2" or "fp32".</param>
/// <param name="Bits">W-E-A.</param>
/// <param name="From">The step it was initialised from.</param>
/// <param name="BestStep">Update of the kept (best dev) weights, or null.</param>
/// <param name="Dev">Dev scores of the quantized forward, or null without dev data.</param>
/// <param name="Test">Test scores, or null without test data.</param>
/// <param name="Runtime">"agreeing/total split" of the runtime check (stage 2), or null.</param>
internal sealed record ProgressiveSummaryRow(string Step, string Stage, string Bits, string From, long? BestStep, EvalResult? Dev, EvalResult? Test, string? Runtime)
{
    /// <summary>Writes the table: accuracy and F1 on dev and test per step (W-E-A tells the stage).</summary>
    public static void Write(IAnsiConsole ui, IReadOnlyList<ProgressiveSummaryRow> rows)
    {
        var table = new Table().Title("progressive quantization summary")
            .AddColumn("step").AddColumn("W-E-A").AddColumn("from").AddColumn(new TableColumn("best").RightAligned())
            .AddColumn(new TableColumn("dev acc").RightAligned()).AddColumn(new TableColumn("dev F1").RightAligned())
            .AddColumn(new TableColumn("test acc").RightAligned()).AddColumn(new TableColumn("test F1").RightAligned())
            .AddColumn(new TableColumn("runtime").RightAligned());
        foreach (ProgressiveSummaryRow r in rows)
        {
            table.AddRow(
                Markup.Escape(r.Step), Markup.Escape(r.Bits), Markup.Escape(r.From),
                r.BestStep?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Value(r.Dev, "accuracy"), Value(r.Dev, "f1"), Value(r.Test, "accuracy"), Value(r.Test, "f1"),
                Markup.Escape(r.Runtime ?? "-"));
        }
        ui.Write(table);
    }

    /// <summary>The same table as Markdown (written to OUT/summary.md for the results docs).</summary>
    public static string Markdown(IReadOnlyList<ProgressiveSummaryRow> rows)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| step | stage | W-E-A | from | best update | dev acc | dev F1 | test acc | test F1 | runtime agrees |");
        text.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (ProgressiveSummaryRow r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Step} | {r.Stage} | {r.Bits} | {r.From} | {r.BestStep?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {Value(r.Dev, "accuracy")} | {Value(r.Dev, "f1")} | {Value(r.Test, "accuracy")} | {Value(r.Test, "f1")} | {r.Runtime ?? "-"} |"));
        }
        return text.ToString();
    }

    private static string Value(EvalResult? result, string name) =>
        result is not null && result.Values.TryGetValue(name, out double v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
