using EdgeBert.Cli.Eval;

namespace EdgeBert.Cli.Tests.Eval;

public class EvaluationTests
{
    private static readonly string[] s_labels = ["ham", "spam"];

    [Test]
    public void LabelsMatchByNameThenByIndex()
    {
        Assert.That(Evaluation.LabelIndex("f", new EvalExample("t", "spam", 1), s_labels), Is.EqualTo(1));
        Assert.That(Evaluation.LabelIndex("f", new EvalExample("t", "0", 1), s_labels), Is.EqualTo(0));
        // A label named "1" wins over index 1.
        Assert.That(Evaluation.LabelIndex("f", new EvalExample("t", "1", 1), ["1", "0"]), Is.EqualTo(0));
    }

    [TestCase("2")]
    [TestCase("-1")]
    [TestCase("Spam")]
    public void UnknownLabelsFailBeforeAnyPrediction(string label)
    {
        var examples = new[] { new EvalExample("a", "ham", 1), new EvalExample("b", label, 2) };
        var ex = Assert.Throws<CliException>(() => Evaluation.Run("d.tsv", examples, s_labels, _ => throw new AssertionException("predicted before validating")));
        Assert.That(ex!.Message, Is.EqualTo($"d.tsv:2: label '{label}' is neither one of the model's labels (ham, spam) nor an index below 2"));
    }

    [Test]
    public void ReportPrintsAccuracyF1AndTheMatrix()
    {
        // The "classifier" says spam when the text contains "win".
        var examples = new[]
        {
            new EvalExample("win now", "spam", 1), new EvalExample("win big", "1", 2), new EvalExample("lunch?", "spam", 3),
            new EvalExample("hi", "ham", 4), new EvalExample("we win", "ham", 5),
        };
        var matrix = Evaluation.Run("d", examples, s_labels, text => text.Contains("win") ? 1 : 0);
        using var o = new StringWriter();
        Evaluation.Write(matrix, s_labels, o);
        // spam: TP 2, FP 1, FN 1 -> F1 4/6.
        Assert.That(o.ToString().Split(Environment.NewLine), Is.EqualTo(new[]
        {
            "examples: 5",
            "accuracy: 0.6000",
            "f1:       0.6667 (class 'spam')",
            "confusion (rows: true label, columns: predicted):",
            "         ham  spam",
            "ham        1     1",
            "spam       1     2",
            "",
        }));
    }
}
