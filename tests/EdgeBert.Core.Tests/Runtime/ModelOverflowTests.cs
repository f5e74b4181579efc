using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;
using EdgeBert.Core.Tests.Format;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>
/// Finite but huge weights (3e38 in every entry of a tensor, checksums resealed) pass the load's
/// finiteness check and overflow float32 in the forward pass: in an activation quantizer (the
/// embedding LayerNorm's beta under W2A8 and W1A4), in the last hidden states (the last
/// LayerNorm's gamma under W1A1, whose sign activations would otherwise carry on), or in FP32. The session must then refuse
/// to answer with an error naming the model, not blame the input (issue 15: "Row 0 holds NaN
/// (Parameter 'x')") nor answer a label picked from NaN (sign activations let NaN through).
/// </summary>
public class ModelOverflowTests
{
    [TestCase(LinearScheme.W2A8, "embeddings.ln.beta")]
    [TestCase(LinearScheme.W1A4, "embeddings.ln.beta")]
    [TestCase(LinearScheme.W1A1, "layer.1.ffn.ln.gamma")]
    [TestCase(LinearScheme.Fp32, "embeddings.ln.beta")]
    public void Finite_weights_that_overflow_are_a_model_error_naming_the_file(LinearScheme scheme, string tensor)
    {
        byte[] valid = RandomBert.Build(new RandomBertOptions { Layers = 2, Hidden = 16, Heads = 2, Ffn = 64, MaxPositions = 16, Scheme = scheme, Seed = 4 }).ToArray();
        var parts = EbmParts.FromValid(valid);
        var entry = parts.Entries.Single(e => System.Text.Encoding.UTF8.GetString(e.Name) == tensor);
        Assert.That((EbmDType)entry.DType, Is.EqualTo(EbmDType.F32), "the test plants floats");
        var data = parts.Data.AsSpan((int)entry.Offset, (int)entry.Length);
        for (int i = 0; i + 4 <= data.Length; i += 4) BitConverter.TryWriteBytes(data[i..], 3e38f);
        parts.ResealData();

        using var model = RuntimeModel.Load(parts.Build(), "big.ebm");
        var session = model.CreateSession();
        Assert.That(() => session.Classify("win a free prize now"),
            Throws.InstanceOf<ModelOverflowException>().With.Message.StartsWith("big.ebm: ").And.Message.Contains("overflows float32"));
        Assert.That(() => session.Embed("win a free prize now", new float[model.HiddenSize]),
            Throws.InstanceOf<ModelOverflowException>().With.Message.StartsWith("big.ebm: "));
        Assert.That(InputErrors.IsInputError(new ModelOverflowException("big.ebm", "x")), Is.True, "both command lines print it as one line");

        // The session is still usable: a sound model in a new session answers.
        using var sound = RuntimeModel.Load(valid, "valid.ebm");
        Assert.That(sound.CreateSession().Classify("win a free prize now").TokenCount, Is.GreaterThan(0));
    }
}
