using CommunityToolkit.HighPerformance;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;
using static EdgeBert.Trainer.Tests.Quantization.QuantizerTestData;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>The progressive chain's plan, its quantizer hooks per step, and the stage-2 export format.</summary>
[TestFixture]
public sealed class ProgressiveQuantizationTests
{
    private static BertModel Model(int seed = 5) => new(Tiny.Config() with { Layers = 2 }, new TrainingRandom((ulong)seed));

    [Test]
    public void PlanIsStageOneThenTheTargetsEachFromW1()
    {
        IReadOnlyList<ProgressiveStep> plan = ProgressiveSchedule.Plan("w1a8,w1a4,w1a1");
        Assert.That(plan.Select(s => s.Name), Is.EqualTo(new[] { "w8", "w4", "w2", "w1", "w1a8", "w1a4", "w1a1" }));
        Assert.That(plan.Select(s => s.InitialisedFrom), Is.EqualTo(new[] { null, "w8", "w4", "w2", "w1", "w1", "w1" }));
        Assert.That(plan.Select(s => s.Bits), Is.EqualTo(new[] { "8-8-32", "4-4-32", "2-2-32", "1-1-32", "1-1-8", "1-1-4", "1-1-1" }));
        Assert.That(plan.Select(s => s.Stage), Is.EqualTo(new[] { 1, 1, 1, 1, 2, 2, 2 }));
        Assert.That(plan.Skip(4).Select(s => s.Scheme), Is.EqualTo(new[] { LinearScheme.W1A8, LinearScheme.W1A4, LinearScheme.W1A1 }));
        Assert.That(() => plan[0].Scheme, Throws.InvalidOperationException.With.Message.Contains("only the stage-2 students"));

        Assert.That(ProgressiveSchedule.Plan(" W1A1 , w1a1,w1a8").Skip(4).Select(s => s.Name), Is.EqualTo(new[] { "w1a1", "w1a8" }), "case, spaces and duplicates");
        Assert.That(() => ProgressiveSchedule.Plan("w1a2"), Throws.ArgumentException.With.Message.Contains("unknown target 'w1a2'").And.Message.Contains("w1a8, w1a4, w1a1"));
        Assert.That(() => ProgressiveSchedule.Plan(" , "), Throws.ArgumentException.With.Message.Contains("no targets"));
    }

    [Test]
    public void EachStepInstallsItsWeightEmbeddingAndInputQuantizers()
    {
        BertModel model = Model();
        Tensor x = Random([3, 16], 11, 1.5f, requiresGrad: false);
        foreach (ProgressiveStep step in ProgressiveSchedule.Plan("w1a8,w1a4,w1a1"))
        {
            ProgressiveQuantization.Apply(model, step);
            Linear[] linears = [.. ProgressiveQuantization.QuantizedLinears(model)];
            Assert.That(linears, Has.Length.EqualTo(2 * 6 + 1), "six per layer and the pooler");
            Assert.That(linears[^1], Is.SameAs(model.Pooler));
            foreach (Linear linear in linears)
            {
                Tensor w = linear.Weight;
                float[] expected = step.WeightBits switch
                {
                    8 => UniformWeight.ApplyRows(w, 8).Data,
                    4 => UniformWeight.ApplyRows(w, 4).Data,
                    2 => TernaryWeight.Apply(w).Data,
                    _ => BinaryWeight.Apply(w).Data,
                };
                Assert.That(linear.WeightTransform!(w).Data, Is.EqualTo(expected), $"step {step.Name} weight");
                if (step.ActivationBits == 32)
                {
                    Assert.That(linear.InputTransform, Is.Null, $"step {step.Name}: stage 1 keeps FP32 activations");
                    continue;
                }
                float[] input = step.ActivationBits switch
                {
                    8 => ActivationInt8.Symmetric(x).Data,
                    4 => ProgressiveActivation4.Apply(x).Data,
                    _ => SignActivation.Apply(x).Data,
                };
                Assert.That(linear.InputTransform!(x).Data, Is.EqualTo(input), $"step {step.Name} input");
            }
            Tensor word = model.Embeddings.Word.Weight;
            float[] embedding = step.WeightBits switch
            {
                8 => UniformWeight.ApplyRows(word, 8).Data,
                4 => UniformWeight.ApplyRows(word, 4).Data,
                2 => TernaryWeight.ApplyRows(word).Data,
                _ => BinaryWeight.ApplyCentredRows(word).Data,
            };
            Assert.That(model.Embeddings.Word.WeightTransform!(word).Data, Is.EqualTo(embedding), $"step {step.Name} word embedding");
            Assert.That(model.Classifier!.WeightTransform, Is.Null, "the classifier stays FP32");
        }

        ProgressiveQuantization.Remove(model);
        Assert.That(ProgressiveQuantization.QuantizedLinears(model).All(l => l.WeightTransform is null && l.InputTransform is null), Is.True);
        Assert.That(model.Embeddings.Word.WeightTransform, Is.Null);
        Assert.That(() => ProgressiveQuantization.Apply(model, new ProgressiveStep("w3", 3, 32, null)), Throws.ArgumentException.With.Message.Contains("3 bits"));
        Assert.That(() => ProgressiveQuantization.Apply(model, new ProgressiveStep("w1a2", 1, 2, null)), Throws.ArgumentException.With.Message.Contains("2 bits"));
    }

    [Test]
    public void ExportWritesBwnPerTensorBinaryAndTheTrainersSigns([Values(1, 4)] int activationBits)
    {
        BertModel model = Model(7);
        model.Layers[0].Attention.Query.Weight.Data[3] = 0f; // sign(0) = +1 on both sides
        ProgressiveStep step = ProgressiveSchedule.Targets.Single(t => t.ActivationBits == activationBits);
        byte[] bytes = ProgressiveExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), step, Tiny.Vocabulary.Tokens).ToArray();
        using EbmFile file = EbmFile.Load(bytes);
        Assert.That(file.Metadata.Provenance.Method, Is.EqualTo(QuantMethod.TwoStage));
        Assert.That(file.Metadata.Architecture.Attention, Is.EqualTo(AttentionKind.Softmax));
        Assert.That(file.Metadata.Layers, Has.Count.EqualTo(2).And.All.EqualTo(new LayerScheme { WeightBits = 1, ActivationBits = activationBits, Method = QuantMethod.TwoStage }));
        foreach (Linear linear in ProgressiveQuantization.QuantizedLinears(model))
        {
            string name = model.NamedParameters().Single(p => ReferenceEquals(p.Parameter, linear.Weight)).Name;
            EbmTensorInfo info = file.GetTensor(name);
            Assert.That(info.DType, Is.EqualTo(EbmDType.Binary), name);
            Assert.That(info.ScaleKind, Is.EqualTo(EbmScaleKind.PerTensor), name);
            float[] trained = BinaryWeight.Apply(linear.Weight).Data;
            Assert.That(info.Scales.ToArray(), Is.EqualTo(new[] { MathF.Abs(trained[0]) }), $"{name}: α is the trainer's");
            var words = new ulong[BinaryLayout.MatrixWords(info.Rows, info.Columns)];
            SignPacking.Pack(new ReadOnlySpan2D<float>(trained, info.Rows, info.Columns), words);
            Assert.That(file.GetBinary(name).ToArray(), Is.EqualTo(words), $"{name}: signs bit for bit");
        }
        EbmTensorInfo word = file.GetTensor("embeddings.word");
        Assert.That(word.DType, Is.EqualTo(EbmDType.Binary));
        Assert.That(word.ScaleKind, Is.EqualTo(EbmScaleKind.PerRow));
        Assert.That(file.GetTensor("classifier.weight").DType, Is.EqualTo(EbmDType.F32));
        Assert.That(file.GetTensor("layer.0.attention.query.bias").DType, Is.EqualTo(EbmDType.F32));
        Assert.That(file.GetTensor("embeddings.position").DType, Is.EqualTo(EbmDType.F32));
        Assert.That(() => ProgressiveExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), ProgressiveSchedule.StageOne[0], Tiny.Vocabulary.Tokens), Throws.InvalidOperationException);
    }
}
