using System.Globalization;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Cli.Tests.Commands;

public class EvalCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("edgebert-eval-cmd-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly (string Text, string Label)[] s_examples =
        [("w1 w2", "spam"), ("w3", "ham"), ("w4 w5 w6", "1"), ("w7", "0"), ("w8 w9", "spam"), ("w10 w11", "ham")];

    [Test]
    public void TsvAndJsonlGiveTheScoresOfTheRuntimesPredictions()
    {
        string model = RuntimeTestModels.Write(_dir);
        // The expected confusion matrix, from the runtime directly.
        var counts = new int[2, 2];
        using (var loaded = Model.Load(model))
        {
            var session = loaded.CreateSession();
            foreach (var (text, label) in s_examples)
            {
                int actual = label is "spam" or "1" ? 1 : 0;
                counts[actual, session.Classify(text).Label]++;
            }
        }
        double accuracy = (counts[0, 0] + counts[1, 1]) / (double)s_examples.Length;
        string tsv = Path.Combine(_dir, "d.tsv"), jsonl = Path.Combine(_dir, "d.jsonl");
        File.WriteAllLines(tsv, ["sentence\tlabel", .. s_examples.Select(e => $"{e.Text}\t{e.Label}")]);
        File.WriteAllLines(jsonl, s_examples.Select(e => $"{{\"text\": \"{e.Text}\", \"label\": \"{e.Label}\"}}"));
        foreach (string data in new[] { tsv, jsonl })
        {
            var (exit, output, error) = CliRunner.RunWith(null, null, "eval", "--model", model, "--data", data);
            Assert.That(exit, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain("examples: 6"));
            Assert.That(output, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"accuracy: {accuracy:F4}")), data);
            Assert.That(output, Does.Contain("f1:       ").And.Contain("(class 'spam')"));
            Assert.That(output, Does.Match($@"(?m)^ham\s+{counts[0, 0]}\s+{counts[0, 1]}\s*$"), data);
            Assert.That(output, Does.Match($@"(?m)^spam\s+{counts[1, 0]}\s+{counts[1, 1]}\s*$"), data);
            Assert.That(output, Does.Contain("ms per example"));
        }
    }

    [Test]
    public void EveryViewIsReportedOnItsOwnWithFalsePositivesCalibrationAndWindows()
    {
        string model = RuntimeTestModels.Write(_dir);
        string longText = string.Join(' ', Enumerable.Repeat("w5 w6", 10));
        (string Text, string Label, string View)[] examples =
        [
            ("w1", "ham", "subject"), ("w2", "spam", "subject"), ("w3", "ham", "subject"),
            ("w1 w2 w3", "ham", "whole"), (longText, "spam", "whole"),
        ];
        string jsonl = Path.Combine(_dir, "views.jsonl");
        File.WriteAllLines(jsonl, examples.Select(e => $"{{\"text\": \"{e.Text}\", \"label\": \"{e.Label}\", \"view\": \"{e.View}\"}}"));
        var predicted = new int[examples.Length];
        var confidence = new double[examples.Length];
        using (var loaded = Model.Load(model))
        {
            var session = loaded.CreateSession();
            for (int i = 0; i < examples.Length; i++)
            {
                var c = session.Classify(examples[i].Text);
                (predicted[i], confidence[i]) = (c.Label, c.Score);
            }
        }
        var (exit, output, error) = CliRunner.RunWith(null, null, "eval", "--model", model, "--data", jsonl);
        Assert.That(exit, Is.EqualTo(0), error);
        string[] blocks = output.Split(Environment.NewLine + Environment.NewLine);
        Assert.That(blocks, Has.Length.EqualTo(3), output);
        Assert.That(blocks[0], Does.Contain("examples: 5").And.Contain("reading:  long texts whole, over windows (MeanLogits)"));
        Assert.That(blocks[1], Does.StartWith("view:     subject").And.Contain("examples: 3"));
        Assert.That(blocks[2], Does.StartWith("view:     whole").And.Contain("examples: 2").And.Contain("windows:  1 texts read over several windows"));
        int[] subject = [0, 1, 2];
        int hamAsSpam = subject.Count(i => examples[i].Label == "ham" && predicted[i] == 1);
        Assert.That(blocks[1], Does.Contain(string.Create(CultureInfo.InvariantCulture, $"fp rate:  {hamAsSpam / 2.0:F4} ('ham' called 'spam': {hamAsSpam} of 2)")));
        double ece = CalibrationError.Expected(subject.Select(i => confidence[i]).ToList(), subject.Select(i => predicted[i] == (examples[i].Label == "spam" ? 1 : 0)).ToList());
        Assert.That(blocks[1], Does.Contain(string.Create(CultureInfo.InvariantCulture, $"ece:      {ece:F4} (15 bins; the model has no calibration temperature)")));

        var (cutExit, cut, _) = CliRunner.RunWith(null, null, "eval", "--model", model, "--data", jsonl, "--truncate");
        Assert.That(cutExit, Is.EqualTo(0));
        Assert.That(cut, Does.Contain("reading:  long texts truncated (--truncate)").And.Not.Contain("windows:"));
    }

    [Test]
    public void AllHamCollection_ReportsHowManyAreCalledSpamAndHowSure()
    {
        string model = RuntimeTestModels.Write(_dir);
        string[] texts = ["w1", "w2 w3", "w4 w5 w6", "w7 w8", "w9", "w10 w11 w12", "w2 w9", "w5"];
        var spamProbability = new List<double>();
        using (var loaded = Model.Load(model))
        {
            var session = loaded.CreateSession();
            foreach (string text in texts)
            {
                var c = session.Classify(text);
                spamProbability.Add(c.Label == 1 ? c.Score : 1 - c.Score);
            }
        }
        string jsonl = Path.Combine(_dir, "short-ham.jsonl");
        File.WriteAllLines(jsonl, texts.Select(t => $"{{\"text\": \"{t}\", \"label\": \"ham\", \"view\": \"src\"}}"));
        var (exit, output, error) = CliRunner.RunWith(null, null, "eval", "--model", model, "--data", jsonl);
        Assert.That(exit, Is.EqualTo(0), error);
        int called = spamProbability.Count(p => p > 0.5);
        string spread = string.Create(CultureInfo.InvariantCulture,
            $"p(spam): of 8 'ham' > 0.5: {called}, > 0.9: {spamProbability.Count(p => p > 0.9)}, > 0.99: {spamProbability.Count(p => p > 0.99)}");
        Assert.That(output, Does.Contain($"'ham' called 'spam': {called} of 8"));
        Assert.That(output.Split(spread).Length - 1, Is.EqualTo(2), $"once for all, once for the view 'src':\n{output}");
    }

    [Test]
    public void BadDataAndMissingOptionsExitWithAMessage()
    {
        string model = RuntimeTestModels.Write(_dir);
        string data = Path.Combine(_dir, "d.tsv");
        File.WriteAllLines(data, ["sentence\tlabel", "w1\tham", "w2\tmaybe"]);
        var (exit, output, error) = CliRunner.RunWith(null, null, "eval", "--model", model, "--data", data);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain($"{data}:3: label 'maybe' is neither one of the model's labels (ham, spam)"));

        (exit, _, error) = CliRunner.RunWith(null, null, "eval", "--model", model);
        Assert.That((exit, error.Contains("--data")), Is.EqualTo((2, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "eval", "--model", model, "--data", Path.Combine(_dir, "missing.tsv"));
        Assert.That((exit, error.Contains("missing.tsv")), Is.EqualTo((1, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "eval", "--data", data);
        Assert.That((exit, error.Contains("no embedded default model")), Is.EqualTo((1, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "eval", "--model", RuntimeTestModels.Write(_dir, labels: []), "--data", data);
        Assert.That((exit, error.Contains("has no labels")), Is.EqualTo((1, true)), error);
    }
}
