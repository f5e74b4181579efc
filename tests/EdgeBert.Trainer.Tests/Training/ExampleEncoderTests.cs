using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class ExampleEncoderTests
{
    /// <summary>A text of 30 word pieces at max length 16: cut, it is one example; with windows, one per runtime window.</summary>
    [Test]
    public void TrainWindowsTurnALongTextIntoOneExamplePerWindow()
    {
        var config = Tiny.Config();
        var tokenizer = ExampleEncoder.Tokenizer(Tiny.Vocabulary, config);
        string longText = string.Join(' ', Enumerable.Repeat("free money click now here", 6));
        LabeledExample[] examples = [new(longText, "spam"), new("see you at the meeting", "ham")];

        List<EncodedExample> cut = ExampleEncoder.Encode(examples, tokenizer, Tiny.Labels);
        List<EncodedExample> windows = ExampleEncoder.Encode(examples, tokenizer, Tiny.Labels, windows: true);

        IReadOnlyList<int[]> expected = tokenizer.EncodeWindows(longText);
        Assert.That(cut, Has.Count.EqualTo(2));
        Assert.That(expected.Count, Is.GreaterThan(1), "the text is longer than one window");
        Assert.That(windows, Has.Count.EqualTo(expected.Count + 1));
        for (int w = 0; w < expected.Count; w++)
        {
            Assert.That(windows[w].Ids, Is.EqualTo(expected[w]), $"window {w}");
            Assert.That(windows[w].TypeIds, Has.All.EqualTo(0));
            Assert.That(windows[w].Label, Is.EqualTo(1), "every window keeps the text's label (spam)");
            Assert.That(windows[w].Ids, Has.Length.LessThanOrEqualTo(config.MaxSequenceLength));
        }
        Assert.That(windows[0].Ids, Is.EqualTo(cut[0].Ids), "the first window is the cut text");
        Assert.That(windows[^1].Ids, Is.EqualTo(cut[1].Ids), "a short text is encoded as without windows");
        Assert.That(windows[^1].Label, Is.EqualTo(0));
    }
}
