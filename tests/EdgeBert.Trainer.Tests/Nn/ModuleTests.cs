using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Tests.Autograd;

namespace EdgeBert.Trainer.Tests.Nn;

/// <summary>Module parameter naming, modes, hooks, and a finite-difference check of a whole layer.</summary>
[TestFixture]
public sealed class ModuleTests
{
    [Test]
    public void BertLayerParametersHaveTheModelFileNamesAndShapes()
    {
        var layer = new BertLayer(8, 2, 16, new Random(1));
        var names = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ShapeArray());
        var expected = new Dictionary<string, int[]>
        {
            ["attention.query.weight"] = [8, 8], ["attention.query.bias"] = [8],
            ["attention.key.weight"] = [8, 8], ["attention.key.bias"] = [8],
            ["attention.value.weight"] = [8, 8], ["attention.value.bias"] = [8],
            ["attention.output.weight"] = [8, 8], ["attention.output.bias"] = [8],
            ["attention.ln.gamma"] = [8], ["attention.ln.beta"] = [8],
            ["ffn.in.weight"] = [16, 8], ["ffn.in.bias"] = [16],
            ["ffn.out.weight"] = [8, 16], ["ffn.out.bias"] = [8],
            ["ffn.ln.gamma"] = [8], ["ffn.ln.beta"] = [8],
        };
        Assert.That(names, Is.EquivalentTo(expected));
        Assert.That(layer.Parameters().All(p => p.RequiresGrad), Is.True);
    }

    [Test]
    public void EmbeddingTakesItsModuleName()
    {
        var embeddings = new Container(("word", new Embedding(10, 4, new Random(2))), ("ln", new LayerNorm(4)));
        Assert.That(embeddings.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "word", "ln.gamma", "ln.beta" }));
    }

    [Test]
    public void TrainingFlagReachesEverySubModule()
    {
        var layer = new BertLayer(8, 2, 16, new Random(1)) { Training = false };
        Assert.That(layer.Attention.Training || layer.Ffn.Out.Training || layer.FfnNorm.Training, Is.False);
        layer.Training = true;
        Assert.That(layer.Attention.Query.Training, Is.True);
    }

    [Test]
    public void InitialisationIsSeeded()
    {
        var a = new BertLayer(8, 2, 16, new Random(5));
        var b = new BertLayer(8, 2, 16, new Random(5));
        Assert.That(a.Parameters().Zip(b.Parameters()).All(p => p.First.Data.SequenceEqual(p.Second.Data)), Is.True);
        Assert.That(a.Attention.Query.Weight.Data.Any(v => v != 0f), Is.True);
        Assert.That(a.AttentionNorm.Gamma.Data.All(v => v == 1f), Is.True);
    }

    [Test]
    public void LinearHooksTransformWeightAndInput()
    {
        var linear = new Linear(2, 1, new Random(3));
        linear.Weight.Data[0] = 0.5f;
        linear.Weight.Data[1] = -2f;
        linear.WeightTransform = w => Ops.Scale(w, 2f);
        linear.InputTransform = x => Ops.Scale(x, 10f);
        var x = new Tensor([1f, 1f], [1, 2], requiresGrad: true);
        Tensor y = linear.Forward(x);
        Assert.That(y.Data[0], Is.EqualTo(10f * 2f * (0.5f - 2f)));
        y.Backward([1f]);
        // The hooks are differentiable: d/dW = 2 · 10x, d/dx = 10 · 2W.
        Assert.That(linear.Weight.Grad, Is.EqualTo(new[] { 20f, 20f }));
        Assert.That(x.Grad, Is.EqualTo(new[] { 10f, -40f }));
    }

    [Test]
    public void AttentionHooksReplaceHeadsAndTheAttentionFunction()
    {
        var attention = new MultiHeadSelfAttention(8, 2, new Random(6), attentionDropout: 0f);
        Tensor x = Tensor.RandomNormal([1, 3, 8], new Random(7));
        AttentionResult plain = attention.Forward(x, null);

        // Uniform attention ignores the scores: the context is the mean of the value rows.
        var calls = new List<string>();
        attention.QueryTransform = q => { calls.Add("q"); return q; };
        attention.KeyTransform = k => { calls.Add("k"); return k; };
        attention.ValueTransform = v => { calls.Add("v"); return v; };
        attention.AttentionFunction = (scores, mask) => Tensor.Full(scores.ShapeArray(), 1f / 3f);
        AttentionResult uniform = attention.Forward(x, null);
        Assert.That(calls, Is.EqualTo(new[] { "q", "k", "v" }));
        Assert.That(uniform.Probabilities.Data.All(p => p == 1f / 3f), Is.True);
        Assert.That(uniform.Scores.Data, Is.EqualTo(plain.Scores.Data));
        Tensor v = Ops.MergeHeads(Ops.SplitHeads(attention.Value.Forward(x), 2));
        Tensor meanRow = Ops.Scale(Ops.Add(Ops.Add(Ops.GatherRows(Ops.Reshape(v, 3, 8), [0]), Ops.GatherRows(Ops.Reshape(v, 3, 8), [1])), Ops.GatherRows(Ops.Reshape(v, 3, 8), [2])), 1f / 3f);
        Tensor expected = attention.Output.Forward(meanRow);
        for (int row = 0; row < 3; row++)
        {
            for (int j = 0; j < 8; j++) Assert.That(uniform.Output.Data[row * 8 + j], Is.EqualTo(expected.Data[j]).Within(1e-5), $"row {row} column {j}");
        }
    }

    [Test]
    public void AttentionMaskRejectsBadInput()
    {
        Assert.That(() => AttentionMask.FromPadding([1, 0, 1], 2, 2), Throws.ArgumentException.With.Message.Contains("3 values"));
        Assert.That(() => AttentionMask.FromPadding([1, 2], 1, 2), Throws.ArgumentException.With.Message.Contains("value 2"));
        Tensor m = AttentionMask.FromPadding([1, 0], 1, 2);
        Assert.That(m.ShapeArray(), Is.EqualTo(new[] { 1, 1, 1, 2 }));
        Assert.That(m.Data, Is.EqualTo(new[] { 0f, AttentionMask.Masked }));
    }

    [Test]
    public void ModulesRejectBadSizes()
    {
        Assert.That(() => new MultiHeadSelfAttention(10, 4, new Random(1)), Throws.ArgumentException.With.Message.Contains("divisible"));
        Assert.That(() => new BertLayer(8, 2, 16, new Random(1), hiddenDropout: 1f), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Linear(0, 3, new Random(1)), Throws.TypeOf<ArgumentOutOfRangeException>());
        var attention = new MultiHeadSelfAttention(8, 2, new Random(1));
        Assert.That(() => attention.Forward(Tensor.Zeros([2, 8]), null), Throws.ArgumentException.With.Message.Contains("[B, L, H]"));
    }

    [Test]
    public void WholeLayerPassesTheFiniteDifferenceCheck()
    {
        // A tiny layer (B 2, L 3, H 8, 2 heads, FFN 16, one padded token): every parameter and the input.
        var rng = new Random(17);
        var layer = new BertLayer(8, 2, 16, rng) { Training = false };
        foreach (Tensor p in layer.Parameters())
        {
            for (int i = 0; i < p.Length; i++) p.Data[i] += 0.3f * (float)(rng.NextDouble() * 2 - 1);
        }

        Tensor mask = AttentionMask.FromPadding([1, 1, 1, 1, 1, 0], 2, 3);
        Tensor x = Tensor.RandomNormal([2, 3, 8], rng, requiresGrad: true);
        // attention.key.bias is left out: its exact gradient is zero (softmax ignores a shift shared
        // by all keys), which the check would reject as vacuous; the PyTorch parity test covers it.
        Tensor[] inputs = [x, .. layer.NamedParameters().Where(p => p.Name != "attention.key.bias").Select(p => p.Parameter)];
        // eps 2e-2 balances float32 rounding noise (worse at 4e-3) against truncation (worse at 3e-2).
        GradCheck.Check("BertLayer", 18, _ => layer.Forward(x, mask).Hidden, inputs, eps: 2e-2f);
    }

    [Test]
    public void TrainingModeDropoutIsReproducibleFromTheSeed()
    {
        Tensor x = Tensor.RandomNormal([2, 4, 8], new Random(4));
        float[] Run() => new BertLayer(8, 2, 16, new Random(9), 0.2f, 0.2f).Forward(x, null).Hidden.Data;
        float[] first = Run();
        Assert.That(Run(), Is.EqualTo(first), "BertLayer dropout 0.2 seed 9");
        var eval = new BertLayer(8, 2, 16, new Random(9), 0.2f, 0.2f) { Training = false };
        Assert.That(eval.Forward(x, null).Hidden.Data, Is.Not.EqualTo(first), "dropout must change the training output");
    }

    private sealed class Container(params (string Name, Module Child)[] children) : Module
    {
        protected override IEnumerable<(string Name, Module Child)> NamedChildren() => children;
    }
}
