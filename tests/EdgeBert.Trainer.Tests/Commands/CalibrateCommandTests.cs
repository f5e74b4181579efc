using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Training;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Trainer.Tests.Commands;

public class CalibrateCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("edgebert-calibrate-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Writes_the_temperature_of_least_dev_nll_into_a_valid_copy_with_the_same_tensors()
    {
        string source = Path.Combine(_dir, "m.ebm"), target = Path.Combine(_dir, "calibrated.ebm"), dev = Path.Combine(_dir, "dev.jsonl");
        RandomBert.Build(new RandomBertOptions { Labels = ["ham", "spam"], Seed = 3 }).WriteTo(source);
        string[] texts = ["hello", "free money", "the meeting", "click here now", "a b c", "win win win", "today", "offer"];
        // Labels that disagree with the random model half the time: the fit must lower the NLL.
        var lines = texts.Select((t, i) => $"{{\"text\": \"{t}\", \"label\": \"{(i % 2 == 0 ? "ham" : "spam")}\", \"view\": \"whole\"}}");
        File.WriteAllLines(dev, lines);
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(CalibrateCommand.Create(console.Console), "--ebm", source, "--dev", dev, "--out", target);
        Assert.That(exit, Is.EqualTo(0), console.Output);

        var logits = new List<float[]>();
        var labels = new List<int>();
        using (var plain = RuntimeModel.Load(source))
        {
            var session = plain.CreateSession();
            for (int i = 0; i < texts.Length; i++)
            {
                var z = new float[2];
                session.Classify(texts[i], z);
                logits.Add(z);
                labels.Add(i % 2);
            }
        }
        double expected = TemperatureScaling.Fit(logits, labels);
        using (var calibrated = RuntimeModel.Load(target))
        {
            Assert.That(calibrated.Metadata.Calibration!.Temperature, Is.EqualTo(expected));
            Assert.That(calibrated.Metadata.Calibration.FittedOn, Does.Contain("8 examples"));
        }
        using var before = EbmFile.Open(source);
        using var after = EbmFile.Open(target);
        Assert.That(after.Tensors.Select(t => (t.Name, t.Checksum)), Is.EqualTo(before.Tensors.Select(t => (t.Name, t.Checksum))));
        Assert.That(console.Output, Does.Contain("temperature").And.Contain("ECE (15 bins)"));

        // A calibrated model, the source as the target and an unknown view are refused.
        Assert.That(CommandTestConsole.Run(CalibrateCommand.Create(console.Console), "--ebm", target, "--dev", dev, "--out", Path.Combine(_dir, "x.ebm")), Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("calibrated already"));
        Assert.That(CommandTestConsole.Run(CalibrateCommand.Create(console.Console), "--ebm", source, "--dev", dev, "--out", source), Is.EqualTo(1));
        Assert.That(CommandTestConsole.Run(CalibrateCommand.Create(console.Console), "--ebm", source, "--dev", dev, "--out", Path.Combine(_dir, "y.ebm"), "--view", "subject"), Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("no examples of view 'subject'"));
    }
}
