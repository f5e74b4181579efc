using System.Globalization;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Cli.Eval;

/// <summary>
/// Scores a classifier on labelled examples: maps each example's label to the model's label
/// index, predicts, fills a <see cref="ConfusionMatrix"/>, and prints accuracy, F1 and the matrix.
/// Independent of the runtime (the prediction is a function) so the arithmetic is tested on its own.
/// </summary>
internal static class Evaluation
{
    /// <summary>The model's index of the example's label: its name, else (for files with numeric labels such as SST-2's 0/1) an index.</summary>
    /// <exception cref="CliException">Neither (exit 1).</exception>
    internal static int LabelIndex(string path, EvalExample example, IReadOnlyList<string> labels)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], example.Label, StringComparison.Ordinal)) return i;
        }
        if (int.TryParse(example.Label, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < labels.Count) return index;
        throw new CliException($"{path}:{example.Line}: label '{example.Label}' is neither one of the model's labels ({string.Join(", ", labels)}) nor an index below {labels.Count}");
    }

    /// <summary>Predicts every example; every label is checked before the first prediction, so a bad file fails fast.</summary>
    internal static ConfusionMatrix Run(string path, IReadOnlyList<EvalExample> examples, IReadOnlyList<string> labels, Func<string, int> predict)
    {
        var actual = examples.Select(e => LabelIndex(path, e, labels)).ToArray();
        var matrix = new ConfusionMatrix(labels.Count);
        for (int i = 0; i < examples.Count; i++) matrix.Add(actual[i], predict(examples[i].Text));
        return matrix;
    }

    /// <summary>Prints the scores and the confusion matrix (rows: true label, columns: predicted).</summary>
    internal static void Write(ConfusionMatrix matrix, IReadOnlyList<string> labels, TextWriter o)
    {
        var ci = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(ci, $"examples: {matrix.Total}"));
        o.WriteLine(string.Create(ci, $"accuracy: {matrix.Accuracy:F4}"));
        o.WriteLine(labels.Count == 2
            ? string.Create(ci, $"f1:       {matrix.ReportedF1:F4} (class '{labels[1]}')")
            : string.Create(ci, $"f1:       {matrix.ReportedF1:F4} (macro over {labels.Count} classes)"));
        o.WriteLine("confusion (rows: true label, columns: predicted):");
        int width = Math.Max(labels.Max(l => l.Length), matrix.Total.ToString(ci).Length) + 2;
        o.WriteLine(new string(' ', width) + string.Concat(labels.Select(l => l.PadLeft(width))));
        for (int i = 0; i < labels.Count; i++)
        {
            o.WriteLine(labels[i].PadRight(width) + string.Concat(Enumerable.Range(0, labels.Count).Select(j => matrix[i, j].ToString(ci).PadLeft(width))));
        }
    }
}
