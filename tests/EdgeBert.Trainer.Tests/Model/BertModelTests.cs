using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Model;

public class BertModelTests
{
    [Test]
    public void ParameterNames_FollowTheModelFileConvention()
    {
        var config = Tiny.Config() with { Layers = 2 };
        var names = new BertModel(config, new TrainingRandom(1)).NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ShapeArray());
        int v = config.VocabSize, h = 16, f = 32;
        var expected = new Dictionary<string, int[]>
        {
            ["embeddings.word"] = [v, h], ["embeddings.position"] = [16, h], ["embeddings.token_type"] = [2, h],
            ["embeddings.ln.gamma"] = [h], ["embeddings.ln.beta"] = [h],
            ["pooler.weight"] = [h, h], ["pooler.bias"] = [h], ["classifier.weight"] = [2, h], ["classifier.bias"] = [2],
            ["mlm.transform.weight"] = [h, h], ["mlm.transform.bias"] = [h], ["mlm.ln.gamma"] = [h], ["mlm.ln.beta"] = [h], ["mlm.bias"] = [v],
        };
        for (int i = 0; i < 2; i++)
        {
            foreach (string part in new[] { "query", "key", "value", "output" })
            {
                expected[$"layer.{i}.attention.{part}.weight"] = [h, h];
                expected[$"layer.{i}.attention.{part}.bias"] = [h];
            }

            expected[$"layer.{i}.attention.ln.gamma"] = [h];
            expected[$"layer.{i}.attention.ln.beta"] = [h];
            expected[$"layer.{i}.ffn.in.weight"] = [f, h];
            expected[$"layer.{i}.ffn.in.bias"] = [f];
            expected[$"layer.{i}.ffn.out.weight"] = [h, f];
            expected[$"layer.{i}.ffn.out.bias"] = [h];
            expected[$"layer.{i}.ffn.ln.gamma"] = [h];
            expected[$"layer.{i}.ffn.ln.beta"] = [h];
        }

        Assert.That(names, Is.EquivalentTo(expected));
    }

    [Test]
    public void Forward_ReturnsAllHiddenStatesAndAttention()
    {
        var config = Tiny.Config() with { Layers = 2 };
        var model = new BertModel(config, new TrainingRandom(1));
        BertBatch batch = BertBatch.Collate(Tiny.Encoded(config).Take(3).ToArray(), 0);
        BertOutput o = model.Forward(batch);
        Assert.That(o.HiddenStates, Has.Count.EqualTo(3));
        Assert.That(o.HiddenStates.All(t => t.Shape.SequenceEqual(new[] { 3, batch.Length, 16 })));
        Assert.That(o.AttentionScores.Select(t => t.ShapeArray()), Is.All.EqualTo(new[] { 3, 2, batch.Length, batch.Length }));
        Assert.That(o.AttentionProbabilities, Has.Count.EqualTo(2));
        Assert.That(o.Pooled.ShapeArray(), Is.EqualTo(new[] { 3, 16 }));
        Assert.That(o.Logits!.ShapeArray(), Is.EqualTo(new[] { 3, 2 }));
        Assert.That(o.Sequence, Is.SameAs(o.HiddenStates[^1]));
    }

    [Test]
    public void Padding_DoesNotChangeTheResult()
    {
        var config = Tiny.Config();
        var model = new BertModel(config, new TrainingRandom(4)) { Training = false };
        var examples = Tiny.Encoded(config);
        EncodedExample shortest = examples.MinBy(e => e.Ids.Length)!, longest = examples.MaxBy(e => e.Ids.Length)!;
        using var _ = Tape.NoGrad();
        float[] alone = model.Forward(BertBatch.Collate([shortest], 0)).Logits!.Data;
        float[] padded = model.Forward(BertBatch.Collate([shortest, longest], 0)).Logits!.Data[..2];
        Assert.That(padded, Is.EqualTo(alone).Within(1e-5f));
    }

    [Test]
    public void MlmHead_IsTiedToTheWordEmbeddings()
    {
        var config = Tiny.Config(labels: []);
        var model = new BertModel(config, new TrainingRandom(2));
        Assert.That(model.Classifier, Is.Null);
        BertBatch batch = BertBatch.Collate(Tiny.Encoded(config with { Labels = Tiny.Labels }).Take(2).ToArray(), 0);
        Tensor logits = model.Mlm.Forward(model.Forward(batch).Sequence, [1, 2]);
        Assert.That(logits.ShapeArray(), Is.EqualTo(new[] { 2, config.VocabSize }));
        Ops.CrossEntropy(logits, [5, 6]).Backward();
        float[] wordGrad = model.Embeddings.Word.Weight.Grad!;
        // Rows 5 and 6 get decoder gradient although no input token used them (the tie).
        Assert.That(wordGrad.AsSpan(5 * 16, 16).ToArray().Any(g => g != 0f));
        Assert.That(model.NamedParameters().Count(p => ReferenceEquals(p.Parameter, model.Embeddings.Word.Weight)), Is.EqualTo(1));
    }

    [Test]
    public void InvalidConfig_IsRejectedWithTheField()
    {
        Assert.That(() => new BertModel(Tiny.Config() with { Heads = 3 }, new TrainingRandom(1)), Throws.ArgumentException.With.Message.Contains("heads 3"));
        Assert.That(() => new BertModel(Tiny.Config() with { MaxSequenceLength = 32 }, new TrainingRandom(1)), Throws.ArgumentException.With.Message.Contains("maxPositions"));
        Assert.That(() => new BertModel(Tiny.Config(labels: ["a", "a"]), new TrainingRandom(1)), Throws.ArgumentException.With.Message.Contains("unique"));
        var model = new BertModel(Tiny.Config(), new TrainingRandom(1));
        var tooLong = new EncodedExample(new int[17], new int[17], 0);
        Assert.That(() => model.Forward(BertBatch.Collate([tooLong], 0)), Throws.ArgumentException.With.Message.Contains("17 exceeds"));
    }
}
