using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Tests.Nn;

/// <summary>
/// One BERT layer (batch 2, sequence 7 with padding, hidden 32, 4 heads, FFN 64, dropout off) in
/// our autograd and in PyTorch (scripts/torch/bert_layer_check.py), with the same weights and
/// inputs. The loss is sum(out ⊙ R) for a fixed random R. For the output, the input gradient and
/// every parameter gradient T the error is
///   max_i |ours_i − torch_i| / max(max_i |torch_i|, 1e-2 · G),
/// where G is the largest max_i |torch_i| over all gradient tensors (no floor for the output). The
/// floor only matters for attention.key.bias, whose exact gradient is zero (softmax ignores a
/// shift shared by all keys), so both sides hold rounding noise there; every other tensor here has
/// max|torch| above 0.08 · G. Required: ≤ 1e-4,
/// against torch in float32 and in float64, with 1 and 4 trainer threads.
/// </summary>
[TestFixture]
[Category("TorchParity")]
public sealed class BertLayerTorchParityTests
{
    private const int Batch = 2, Length = 7, Hidden = 32, Heads = 4, Ffn = 64, Seed = 2024;
    private const double Tolerance = 1e-4;

    [Test]
    public void ForwardAndAllGradientsMatchPyTorch()
    {
        var rng = new Random(Seed);
        var layer = new BertLayer(Hidden, Heads, Ffn, rng, hiddenDropout: 0f, attentionDropout: 0f) { Training = false };
        // Non-trivial values everywhere, so a swapped or ignored bias, gamma or beta shows up.
        foreach ((string name, Tensor p) in layer.NamedParameters())
        {
            (float center, float spread) = name.EndsWith("gamma", StringComparison.Ordinal) ? (1f, 0.2f)
                : name.EndsWith("weight", StringComparison.Ordinal) ? (0f, 0.3f) : (0f, 0.1f);
            for (int i = 0; i < p.Length; i++) p.Data[i] = center + spread * (float)(rng.NextDouble() * 2 - 1);
        }

        Tensor x = Tensor.RandomNormal([Batch, Length, Hidden], rng);
        Tensor r = Tensor.RandomUniform([Batch, Length, Hidden], rng);
        int[] keep = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]; // the second sequence has 2 padding tokens
        Tensor mask = AttentionMask.FromPadding(keep, Batch, Length);
        (string, Tensor)[] parameters = layer.NamedParameters().ToArray();

        string dir = Path.Combine(Path.GetTempPath(), $"edgebert-bert-layer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            TorchReference.WriteManifest(dir, new { batch = Batch, length = Length, hidden = Hidden, heads = Heads, ffn = Ffn, eps = 1e-12 },
                [("x", x), ("mask", mask), ("r", r)], parameters);
            TorchReference.Write(dir, "x", x);
            TorchReference.Write(dir, "mask", mask);
            TorchReference.Write(dir, "r", r);
            foreach ((string name, Tensor p) in parameters) TorchReference.Write(dir, name, p);
            TorchReference.Run("scripts/torch/bert_layer_check.py", dir);

            int saved = TrainerThreads.Count;
            try
            {
                foreach (int threads in new[] { 1, 4 })
                {
                    TrainerThreads.Count = threads;
                    Ours ours = Evaluate(layer, x, mask, r);
                    foreach (string precision in new[] { "float32", "float64" })
                    {
                        Compare(Path.Combine(dir, precision), $"torch {precision}, threads {threads}, seed {Seed}", ours, parameters);
                    }
                }
            }
            finally
            {
                TrainerThreads.Count = saved;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Ours(float[] Output, Dictionary<string, float[]> Gradients);

    private static Ours Evaluate(BertLayer layer, Tensor x, Tensor mask, Tensor r)
    {
        layer.ZeroGrad();
        var input = new Tensor((float[])x.Data.Clone(), x.ShapeArray(), requiresGrad: true);
        Tensor output = layer.Forward(input, mask).Hidden;
        output.Backward(r.Data);
        var grads = layer.NamedParameters().ToDictionary(np => np.Name, np => (float[])np.Parameter.Grad!.Clone());
        grads["x"] = input.Grad!;
        return new Ours(output.Data, grads);
    }

    private static void Compare(string torchDir, string context, Ours ours, (string Name, Tensor T)[] parameters)
    {
        float[] torchOut = TorchReference.Read(torchDir, "out", ours.Output.Length);
        double outError = TorchReference.Error(ours.Output, torchOut, 0);
        TestContext.Out.WriteLine($"{context}: out error {outError:G3}");
        Assert.That(outError, Is.LessThanOrEqualTo(Tolerance), $"{context}: forward output [{Batch}, {Length}, {Hidden}]");
        Assert.That(ours.Gradients.Keys, Is.EquivalentTo(parameters.Select(p => p.Name).Append("x")));
        TorchReference.AssertGradients(torchDir, context, ours.Gradients, Tolerance);
    }
}
