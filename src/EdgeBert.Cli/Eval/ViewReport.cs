using System.Globalization;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Cli.Eval;

/// <summary>
/// The report of <c>edgebert eval</c> over scored examples: for all of them, then for each view
/// (subject, first25, whole, … in order of first appearance) when the file has views: the scores and
/// confusion matrix of <see cref="Evaluation.Write"/>, for a two-label model the false-positive rate
/// of the first label (ham called spam), the expected calibration error before and after the
/// model's temperature, and how many texts were read over several windows.
/// </summary>
internal static class ViewReport
{
    /// <summary>Prints the overall block and one block per view.</summary>
    internal static void Write(IReadOnlyList<ScoredExample> scored, IReadOnlyList<string> labels, float temperature, TextWriter o)
    {
        WriteGroup(scored, labels, temperature, o);
        var views = scored.Select(s => s.View).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (views.Count == 0) return;
        foreach (string view in views)
        {
            o.WriteLine();
            o.WriteLine($"view:     {view}");
            WriteGroup(scored.Where(s => s.View == view).ToList(), labels, temperature, o);
        }
    }

    /// <summary>Thresholds of the p(second label) spread line: how sure the model is when it errs on the first label.</summary>
    private static readonly double[] SpreadThresholds = [0.5, 0.9, 0.99];

    /// <summary>
    /// How many first-label examples (ham) get p(second label) (spam) above 0.5, 0.9 and 0.99, with
    /// the model's temperature (the probability a user sees); for an all-ham collection this is
    /// the spread of its false positives.
    /// </summary>
    private static void WriteSecondLabelSpread(IReadOnlyList<ScoredExample> group, IReadOnlyList<string> labels, TextWriter o)
    {
        var ci = CultureInfo.InvariantCulture;
        var second = group.Where(s => s.Actual == 0).Select(s => s.Predicted == 1 ? s.CalibratedConfidence : 1 - s.CalibratedConfidence).ToList();
        string counts = string.Join(", ", SpreadThresholds.Select(t => string.Create(ci, $"> {t:G}: {second.Count(p => p > t)}")));
        o.WriteLine(string.Create(ci, $"p({labels[1]}): of {second.Count} '{labels[0]}' {counts}"));
    }

    private static void WriteGroup(IReadOnlyList<ScoredExample> group, IReadOnlyList<string> labels, float temperature, TextWriter o)
    {
        var ci = CultureInfo.InvariantCulture;
        var matrix = new ConfusionMatrix(labels.Count);
        foreach (var s in group) matrix.Add(s.Actual, s.Predicted);
        Evaluation.Write(matrix, labels, o);
        if (labels.Count == 2)
        {
            long negatives = matrix[0, 0] + matrix[0, 1];
            double rate = negatives == 0 ? 0 : matrix[0, 1] / (double)negatives;
            o.WriteLine(string.Create(ci, $"fp rate:  {rate:F4} ('{labels[0]}' called '{labels[1]}': {matrix[0, 1]} of {negatives})"));
            if (negatives > 0) WriteSecondLabelSpread(group, labels, o);
        }
        var correct = group.Select(s => s.Correct).ToList();
        double before = CalibrationError.Expected(group.Select(s => s.Confidence).ToList(), correct);
        o.WriteLine(temperature == 1f
            ? string.Create(ci, $"ece:      {before:F4} ({CalibrationError.DefaultBins} bins; the model has no calibration temperature)")
            : string.Create(ci, $"ece:      {CalibrationError.Expected(group.Select(s => s.CalibratedConfidence).ToList(), correct):F4} with the model's temperature {temperature:G4}, {before:F4} without ({CalibrationError.DefaultBins} bins)"));
        int windowed = group.Count(s => s.Windows > 1);
        if (windowed > 0)
        {
            o.WriteLine(string.Create(ci, $"windows:  {windowed} texts read over several windows (up to {group.Max(s => s.Windows)})"));
        }
    }
}
