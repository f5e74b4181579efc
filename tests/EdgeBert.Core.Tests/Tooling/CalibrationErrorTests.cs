using EdgeBert.Tooling;
using EdgeBert.Runtime;

namespace EdgeBert.Core.Tests.Tooling;

public class CalibrationErrorTests
{
    [Test]
    public void Perfectly_calibrated_bins_give_zero()
    {
        // Confidence 0.8 (bin 12 of 15), right 4 times in 5; confidence 1, always right.
        double[] confidences = [0.8, 0.8, 0.8, 0.8, 0.8, 1.0, 1.0];
        bool[] correct = [true, true, true, true, false, true, true];
        Assert.That(CalibrationError.Expected(confidences, correct), Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void Each_bin_weighs_its_gap_by_its_share()
    {
        // Bin of 0.9 (3 predictions, 1 right: gap 0.9 − 1/3) and bin of 0.6 (1 prediction, right: gap 0.4).
        double[] confidences = [0.9, 0.9, 0.9, 0.6];
        bool[] correct = [true, false, false, true];
        double expected = 3.0 / 4 * Math.Abs(1.0 / 3 - 0.9) + 1.0 / 4 * 0.4;
        Assert.That(CalibrationError.Expected(confidences, correct), Is.EqualTo(expected).Within(1e-12));
        Assert.That(CalibrationError.Expected(confidences, correct, bins: 1), Is.EqualTo(Math.Abs(0.5 - 3.3 / 4)).Within(1e-12), "one bin: |accuracy − mean confidence|");
    }

    [Test]
    public void Mismatched_inputs_and_no_bins_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CalibrationError.Expected([0.5], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationError.Expected([0.5], [true], bins: 0));
        Assert.That(CalibrationError.Expected([], []), Is.Zero);
    }
}
