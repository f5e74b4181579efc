using EdgeBert.Format;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Quantization;

public class StudentQuantizationTests
{
    private static EbmMetadata Metadata(QuantMethod method, int weightBits, int activationBits) => new()
    {
        Architecture = new() { HiddenSize = 16, Layers = 1, Heads = 2, FfnSize = 32, MaxPositions = 16, VocabSize = 8 },
        Labels = ["a", "b"],
        Tokenizer = new(),
        Layers = [new LayerScheme { WeightBits = weightBits, ActivationBits = activationBits, Method = method }],
        Provenance = new() { Method = method },
    };

    private static BertModel Model() => new(Tiny.Config(0f), new TrainingRandom(1));

    [Test]
    public void Fp32Export_InstallsNothing()
    {
        BertModel model = Model();
        StudentQuantization.Apply(model, Metadata(QuantMethod.None, 32, 32));
        Assert.That(model.Layers[0].Attention.Query.WeightTransform, Is.Null);
        Assert.That(model.Embeddings.Word.WeightTransform, Is.Null);
    }

    [TestCase(QuantMethod.TernaryBert, 2, 8)]
    [TestCase(QuantMethod.BiBert, 1, 1)]
    [TestCase(QuantMethod.TwoStage, 1, 8)]
    [TestCase(QuantMethod.TwoStage, 1, 4)]
    [TestCase(QuantMethod.TwoStage, 1, 1)]
    public void QuantizedExport_InstallsWeightAndInputQuantizers(QuantMethod method, int w, int a)
    {
        BertModel model = Model();
        StudentQuantization.Apply(model, Metadata(method, w, a));
        Assert.That(model.Layers[0].Attention.Query.WeightTransform, Is.Not.Null, $"{method} W{w}A{a}");
        Assert.That(model.Layers[0].Ffn.Out.InputTransform, Is.Not.Null, $"{method} W{w}A{a}");
        Assert.That(model.Embeddings.Word.WeightTransform, Is.Not.Null, $"{method} W{w}A{a}");
    }

    [Test]
    public void BinaryBertAndUnknownCombinations_AreRefusedWithAReason()
    {
        Assert.That(() => StudentQuantization.Apply(Model(), Metadata(QuantMethod.BinaryBert, 1, 8)),
            Throws.ArgumentException.With.Message.Contains("parity.json"));
        Assert.That(() => StudentQuantization.Apply(Model(), Metadata(QuantMethod.TwoStage, 2, 8)),
            Throws.ArgumentException.With.Message.Contains("W2A8"));
    }
}
