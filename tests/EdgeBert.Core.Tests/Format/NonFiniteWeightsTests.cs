using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using static EdgeBert.Core.Tests.Format.EbmTestModels;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Format;

/// <summary>
/// NaN and ±infinity planted in each kind of stored number (f32 and f16 tensors, i8 scales,
/// binary and ternary alphas, a static activation scale), with every checksum recomputed so only
/// the finiteness check can catch them: the load fails with a MODEL_FORMAT error naming the tensor.
/// </summary>
public class NonFiniteWeightsTests
{
    private static readonly float[] s_bad = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    /// <summary>Every dtype and scale kind, plus an f32 [1] activation scale as W1A4 linears store it.</summary>
    private static byte[] Valid()
    {
        var writer = AllDTypes(seed: 3);
        writer.AddF32("layer.0.attention.query.act_scale", [1], [0.05f]);
        return writer.ToArray();
    }

    private static IEnumerable<TestCaseData> Plantings()
    {
        var parts = EbmParts.FromValid(Valid());
        foreach (var e in parts.Entries)
        {
            string name = System.Text.Encoding.UTF8.GetString(e.Name);
            var dtype = (EbmDType)e.DType;
            foreach (float bad in s_bad)
            {
                if (dtype is EbmDType.F32 or EbmDType.F16) yield return new TestCaseData(name, "data", bad).SetName($"{dtype} {name} holds {bad}");
                if (e.Scales.Length > 0) yield return new TestCaseData(name, "scale", bad).SetName($"{dtype} {name} scale is {bad}");
            }
        }
    }

    [TestCaseSource(nameof(Plantings))]
    public void A_non_finite_number_is_refused_at_load_naming_its_tensor(string tensor, string where, float bad)
    {
        var parts = EbmParts.FromValid(Valid());
        int index = parts.Entries.FindIndex(e => System.Text.Encoding.UTF8.GetString(e.Name) == tensor);
        var entry = parts.Entries[index];
        var random = new Random(tensor.Length);
        if (where == "scale")
        {
            var scales = (float[])entry.Scales.Clone();
            scales[random.Next(scales.Length)] = bad;
            parts.Entries[index] = entry with { Scales = scales };
        }
        else
        {
            var data = parts.Data.AsSpan((int)entry.Offset, (int)entry.Length);
            if (entry.DType == (byte)EbmDType.F32)
            {
                BitConverter.TryWriteBytes(data[(4 * random.Next(data.Length / 4))..], bad);
            }
            else
            {
                BitConverter.TryWriteBytes(data[(2 * random.Next(data.Length / 2))..], (Half)bad);
            }
            parts.ResealData();
        }
        byte[] bytes = parts.Build();
        Assert.That(() => EbmFile.Load(bytes, "planted.ebm"),
            Throws.InstanceOf<ModelFormatException>().With.Message.StartsWith("planted.ebm: ").And.Message.Contains($"'{tensor}'").And.Message.Contains("finite"));
        // Without the data checks (checksums off) only the scales, parsed with the directory, are still refused.
        if (where == "scale") Assert.That(() => EbmFile.Load(bytes, "planted.ebm", verifyChecksums: false), Throws.InstanceOf<ModelFormatException>());
    }

    /// <summary>The case: a W2A8 model with a NaN weight failed only at run time, with a misleading message.</summary>
    [TestCase(LinearScheme.W2A8, "layer.0.attention.ln.gamma", 16)]
    [TestCase(LinearScheme.W1A1, "layer.1.ffn.ln.beta", 16)]
    [TestCase(LinearScheme.Fp32, "layer.1.ffn.in.weight", 128)] // above the concurrent-verification size: found on the second thread
    public void The_runtime_refuses_a_model_with_a_NaN_weight(LinearScheme scheme, string tensor, int hidden)
    {
        byte[] valid = RandomBert.Build(new RandomBertOptions { Layers = 2, Hidden = hidden, Heads = 2, Ffn = 4 * hidden, MaxPositions = 16, Scheme = scheme, Seed = 4 }).ToArray();
        var parts = EbmParts.FromValid(valid);
        var entry = parts.Entries.Single(e => System.Text.Encoding.UTF8.GetString(e.Name) == tensor);
        Assert.That((EbmDType)entry.DType, Is.EqualTo(EbmDType.F32), "the test plants a float");
        BitConverter.TryWriteBytes(parts.Data.AsSpan((int)entry.Offset + 4 * 5), float.NaN);
        parts.ResealData();
        byte[] bytes = parts.Build();
        Assert.That(() => RuntimeModel.Load(bytes, "nan.ebm"),
            Throws.InstanceOf<ModelFormatException>().With.Message.Contains($"tensor '{tensor}'").And.Message.Contains("value 5").And.Message.Contains("NaN"));
        using var model = RuntimeModel.Load(valid, "valid.ebm");
        Assert.That(model.HiddenSize, Is.EqualTo(hidden));
    }
}
