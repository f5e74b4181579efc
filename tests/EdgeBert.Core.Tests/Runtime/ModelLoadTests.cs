using EdgeBert.Core.Tests.Model;
using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Tooling;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>Models whose tensors do not fit the encoder fail at load with a message naming the tensor.</summary>
public class ModelLoadTests
{
    private static readonly RandomModelSpec Spec = new() { Scheme = LinearScheme.W1A8, Layers = 1, Hidden = 32, Heads = 2, Ffn = 48, Seed = 4 };

    /// <summary>Rewrites <see cref="Spec"/>'s model with one tensor changed (or dropped when <paramref name="replace"/> returns false).</summary>
    private static byte[] Mutate(string name, Func<EbmWriter, bool> replace, EbmMetadata? metadata = null)
    {
        using var file = EbmFile.Load(RandomModels.Build(Spec));
        var writer = new EbmWriter(metadata ?? file.Metadata, file.Vocabulary);
        foreach (var t in file.Tensors)
        {
            if (t.Name == name)
            {
                replace(writer);
                continue;
            }
            switch (t.DType)
            {
                case EbmDType.F32: writer.AddF32(t.Name, t.Shape.ToArray(), file.GetF32(t.Name)); break;
                case EbmDType.Binary: writer.AddBinary(t.Name, t.Rows, t.Columns, file.GetBinary(t.Name), t.Scales); break;
                default: throw new NotSupportedException(t.DType.ToString());
            }
        }
        return writer.ToArray();
    }

    [Test]
    public void Missing_tensor_is_named()
    {
        byte[] bytes = Mutate("layer.0.ffn.in.weight", _ => false);
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<ModelFormatException>()
            .With.Message.Contains("'layer.0.ffn.in.weight' is missing").And.Message.Contains("[48, 32]"));
    }

    [Test]
    public void Wrong_dtype_for_the_scheme_is_named()
    {
        byte[] bytes = Mutate("layer.0.attention.key.weight", w =>
        {
            LinearExporter.AddWeight(w, "layer.0.attention.key.weight", LinearScheme.Fp32, new float[32 * 32], 32, 32);
            return true;
        });
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<ModelFormatException>()
            .With.Message.Contains("'layer.0.attention.key.weight' is f32").And.Message.Contains("w1a8 needs binary"));
    }

    [Test]
    public void Bias_in_another_dtype_is_named()
    {
        // Shapes of these names are already checked by the reader; the dtype is the encoder's rule.
        byte[] bytes = Mutate("layer.0.attention.output.bias", w =>
        {
            w.AddF16("layer.0.attention.output.bias", [32], new Half[32]);
            return true;
        });
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<ModelFormatException>()
            .With.Message.Contains("'layer.0.attention.output.bias' is f16; this tensor needs f32"));
    }

    [Test]
    public void Unsupported_scheme_is_reported()
    {
        using var file = EbmFile.Load(RandomModels.Build(Spec));
        var metadata = file.Metadata with { Layers = [new LayerScheme { WeightBits = 4, ActivationBits = 4 }] };
        byte[] bytes = Mutate("none", _ => false, metadata);
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<ModelFormatException>()
            .With.Message.Contains("weight bits 4 and activation bits 4"));
    }

    [Test]
    public void Word_embedding_must_be_f32_ternary_or_binary()
    {
        byte[] bytes = Mutate("embeddings.word", w =>
        {
            int v = RandomModels.Vocabulary.Length;
            LinearExporter.AddWeight(w, "embeddings.word", LinearScheme.W8A8, new float[v * 32], v, 32);
            return true;
        });
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<ModelFormatException>().With.Message.Contains("word embedding"));
    }

    [Test]
    public void Corrupt_bytes_raise_the_format_exception()
    {
        byte[] bytes = RandomModels.Build(Spec);
        bytes[200] ^= 0xFF;
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<ModelFormatException>());
    }

    [Test]
    public void Forced_isa_is_used_and_unsupported_ones_are_refused()
    {
        using var model = RuntimeModel.Load(RandomModels.Build(Spec), new EdgeBert.Runtime.ModelOptions { Isa = KernelIsa.Scalar });
        Assert.That(model.Isa, Is.EqualTo(KernelIsa.Scalar));
        Assert.That(model.Schemes, Is.EqualTo(new[] { LinearScheme.W1A8 }));
        var missing = Enum.GetValues<KernelIsa>().Where(i => !KernelIsaSelector.IsSupported(i)).ToArray();
        if (missing.Length == 0) Assert.Ignore("this machine supports every family");
        Assert.That(() => RuntimeModel.Load(RandomModels.Build(Spec), new EdgeBert.Runtime.ModelOptions { Isa = missing[0] }),
            Throws.InstanceOf<PlatformNotSupportedException>());
    }

    [Test]
    public void Load_from_a_path_equals_load_from_memory()
    {
        byte[] bytes = RandomModels.Build(Spec);
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-encoder-{Environment.ProcessId}.ebm");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var a = RuntimeModel.Load(path);
            using var b = RuntimeModel.Load(bytes);
            var la = new float[3];
            var lb = new float[3];
            a.CreateSession().Classify("free money", la);
            b.CreateSession().Classify("free money", lb);
            Assert.That(la, Is.EqualTo(lb));
            Assert.That(a.Source, Is.EqualTo(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
