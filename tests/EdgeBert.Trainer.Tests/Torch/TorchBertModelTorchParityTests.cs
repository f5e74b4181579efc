using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch;

/// <summary>
/// The TorchSharp BERT (src/EdgeBert.Trainer/Torch) against PyTorch 1.13
/// (scripts/torch/bert_model_check.py) on tiny models (2 layers, batch 2 × 7 with 2 padding
/// tokens, dropout off) with non-trivial random weights. The loss is sum(hidden ⊙ R) + sum(logits ⊙ S) for fixed
/// random R, S. For the hidden states, the logits and every parameter's gradient T the error is
///   max_i |ours_i − torch_i| / max(max_i |torch_i|, 1e-2 · G),
/// G the largest max|torch| over all gradients (no floor for the outputs; the floor only matters
/// for the attention key biases, whose exact gradient is zero).
/// Required: ≤ 1e-5 for TorchSharp float32 against PyTorch float32 and float64, and for
/// TorchSharp float64 against PyTorch float64.
/// </summary>
[TestFixture]
[Category("Torch")]
[Category("TorchParity")]
public sealed class TorchBertModelTorchParityTests
{
    private const int Batch = 2, Length = 7;
    private const double Tolerance = 1e-5;

    private static readonly int[] s_keep = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];

    [TestCase("gelu", 4, 0, 2024)]
    [TestCase("relu", 2, 12, 7)] // width-pruned: 2 heads of 12 on hidden 32
    public void ForwardAndEveryGradientMatchPyTorch(string activation, int heads, int headSize, int seed)
    {
        var config = new BertConfig
        {
            VocabSize = 40, Hidden = 32, Layers = 2, Heads = heads, HeadSize = headSize, Ffn = 48, MaxPositions = 12,
            MaxSequenceLength = 12, HiddenDropout = 0f, AttentionDropout = 0f, HiddenAct = activation, Labels = ["neg", "neu", "pos"],
        };
        var rng = new Random(seed);
        using var model = new TorchBertModel(config);
        model.eval();
        using (var noGrad = no_grad())
        {
            foreach ((string name, Tensor p) in model.NamedWeights())
            {
                // Non-trivial values everywhere, so a swapped or ignored bias, gamma or beta shows up.
                (float center, float spread) = name.EndsWith("gamma", StringComparison.Ordinal) ? (1f, 0.2f)
                    : name.EndsWith("bias", StringComparison.Ordinal) || name.EndsWith("beta", StringComparison.Ordinal) ? (0f, 0.1f) : (0f, 0.3f);
                float[] values = Enumerable.Range(0, (int)p.numel()).Select(_ => center + spread * (float)(rng.NextDouble() * 2 - 1)).ToArray();
                using Tensor t = tensor(values, p.shape);
                p.copy_(t);
            }
        }

        // The PyTorch reference has no MLM head.
        (string Name, HostTensor T)[] parameters = model.NamedWeights().Where(p => !p.Name.StartsWith("mlm.", StringComparison.Ordinal))
            .Select(p => (p.Name, new HostTensor(TorchTensors.ToFloats(p.Parameter), TorchTensors.Shape(p.Parameter)))).ToArray();
        int[] ids = Enumerable.Range(0, Batch * Length).Select(i => s_keep[i] == 0 ? 0 : rng.Next(config.VocabSize)).ToArray();
        int[] typeIds = Enumerable.Range(0, Batch * Length).Select(i => i % Length >= 4 && s_keep[i] == 1 ? 1 : 0).ToArray();
        var batch = new BertBatch(Batch, Length, ids, typeIds, s_keep, [0, 2]);
        var r = new HostTensor([.. Enumerable.Range(0, Batch * Length * config.Hidden).Select(_ => rng.NextSingle())], [Batch, Length, config.Hidden]);
        var s = new HostTensor([.. Enumerable.Range(0, Batch * config.Labels.Count).Select(_ => rng.NextSingle())], [Batch, config.Labels.Count]);

        string dir = Path.Combine(Path.GetTempPath(), $"edgebert-torch-bert-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var inputs = new (string, HostTensor)[]
            {
                ("ids", AsFloat(ids)), ("type_ids", AsFloat(typeIds)), ("keep", AsFloat(s_keep)), ("r", r), ("s", s),
            };
            var manifestConfig = new { layers = config.Layers, hidden = config.Hidden, heads = config.Heads, headSize = config.AttentionHeadSize, eps = (double)config.LayerNormEps, activation };
            TorchReference.WriteManifest(dir, manifestConfig, inputs, parameters);
            foreach ((string name, HostTensor t) in inputs.Concat(parameters)) TorchReference.Write(dir, name, t);
            TorchReference.Run("scripts/torch/bert_model_check.py", dir);

            Evaluation ours32 = Evaluate(model, batch, r, s);
            Assert.That(ours32.Gradients.Keys, Is.EquivalentTo(parameters.Select(p => p.Name)), "every parameter of the model (MLM head aside)");
            Compare(Path.Combine(dir, "float32"), "TorchSharp float32 vs torch float32", ours32);
            Compare(Path.Combine(dir, "float64"), "TorchSharp float32 vs torch float64", ours32);
            model.to(ScalarType.Float64);
            Compare(Path.Combine(dir, "float64"), "TorchSharp float64 vs torch float64", Evaluate(model, batch, r, s));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static HostTensor AsFloat(int[] values) => new(values.Select(v => (float)v).ToArray(), [Batch, Length]);

    private sealed record Evaluation(float[] Hidden, float[] Logits, Dictionary<string, float[]> Gradients);

    private static Evaluation Evaluate(TorchBertModel model, BertBatch batch, HostTensor r, HostTensor s)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        TorchBertOutput output = model.Forward(batch);
        ScalarType dtype = output.Hidden.dtype;
        Tensor loss = (output.Hidden * tensor(r.Data, [Batch, Length, r.Shape[2]]).to(dtype)).sum()
                      + (output.Logits! * tensor(s.Data, [Batch, s.Shape[1]]).to(dtype)).sum();
        loss.backward();
        var gradients = model.NamedWeights().Where(w => !w.Name.StartsWith("mlm.", StringComparison.Ordinal))
            .ToDictionary(w => w.Name, w => Floats(w.Parameter.grad!));
        return new Evaluation(Floats(output.Hidden), Floats(output.Logits!), gradients);
    }

    private static float[] Floats(Tensor t) => t.detach().to(ScalarType.Float32).data<float>().ToArray();

    private static void Compare(string torchDir, string context, Evaluation ours)
    {
        foreach ((string name, float[] values) in new[] { ("hidden", ours.Hidden), ("logits", ours.Logits) })
        {
            double error = TorchReference.Error(values, TorchReference.Read(torchDir, name, values.Length), 0);
            TestContext.Out.WriteLine($"{context}: {name} error {error:G3}");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{context}: {name}");
        }

        TorchReference.AssertGradients(torchDir, context, ours.Gradients, Tolerance);
    }
}
