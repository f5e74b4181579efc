using EdgeBert.Core.Tests.Model;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>The metadata's calibration temperature: optional, validated, applied to every reported probability.</summary>
public class CalibrationTests
{
    private static readonly byte[] Plain = RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W2A8, Seed = 11 });

    /// <summary>The plain model's bytes with <paramref name="calibration"/> in its metadata (tensors copied as stored).</summary>
    private static byte[] WithCalibration(Calibration? calibration)
    {
        using var file = EbmFile.Load(Plain);
        return EbmWriter.CopyOf(file, file.Metadata with { Calibration = calibration }).ToArray();
    }

    [Test]
    public void A_file_without_calibration_has_temperature_one()
    {
        using var model = RuntimeModel.Load(Plain);
        Assert.That(model.Metadata.Calibration, Is.Null);
        Assert.That(model.Temperature, Is.EqualTo(1f));
    }

    [Test]
    public void The_temperature_divides_the_logits_of_the_probabilities_but_not_the_logits_or_the_label()
    {
        using var plain = RuntimeModel.Load(Plain);
        using var calibrated = RuntimeModel.Load(WithCalibration(new Calibration { Temperature = 2.5, FittedOn = "test" }));
        Assert.That(calibrated.Temperature, Is.EqualTo(2.5f));
        Assert.That(calibrated.Metadata.Calibration!.FittedOn, Is.EqualTo("test"));
        foreach (string text in new[] { "free money now", "hello the meeting is today", string.Join(' ', Enumerable.Repeat("click here", 30)) })
        {
            var a = new float[3];
            var b = new float[3];
            var p = plain.CreateSession().Classify(text, a);
            var c = calibrated.CreateSession().Classify(text, b);
            Assert.That(b, Is.EqualTo(a), text);
            Assert.That((c.Label, c.Windows), Is.EqualTo((p.Label, p.Windows)), text);
            Assert.That(c.Score, Is.EqualTo(Probabilities.Of(a, p.Label, 2.5f)), text);
            Assert.That(c.Score, Is.LessThan(p.Score), "a temperature above 1 makes the winner less sure");
            var all = new double[3];
            Probabilities.Softmax(a, 2.5f, all);
            Assert.That(all.Sum(), Is.EqualTo(1.0).Within(1e-12));
            Assert.That(all[c.Label], Is.EqualTo(c.Score).Within(1e-6));
        }
    }

    [Test]
    public void The_copy_keeps_every_tensor_byte_for_byte()
    {
        using var before = EbmFile.Load(Plain);
        using var after = EbmFile.Load(WithCalibration(new Calibration { Temperature = 0.5 }));
        Assert.That(after.Tensors.Select(t => t.Name), Is.EqualTo(before.Tensors.Select(t => t.Name)));
        foreach (var tensor in before.Tensors)
        {
            Assert.That(after.GetBytes(tensor.Name).SequenceEqual(before.GetBytes(tensor)), Is.True, tensor.Name);
        }
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(1e6)]
    public void A_temperature_out_of_range_is_refused(double temperature)
    {
        var ex = Assert.Throws<ArgumentException>(() => WithCalibration(new Calibration { Temperature = temperature }))!;
        Assert.That(ex.Message, Does.Contain("calibration.temperature"));
    }
}
