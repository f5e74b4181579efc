using System.Text;
using EdgeBert.Encoder;
using EdgeBert.Format;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Model;

/// <summary>
/// The metadata <c>headSize</c> field and BinaryBERT's split tensors: backward compatible, validated,
/// and refused with a message naming the field or tensor when they do not fit. (Their numerics
/// against the scalar reference are in <see cref="EncoderParityTests"/>.)
/// </summary>
public class BinaryBertRuntimeTests
{
    private static EbmMetadata Metadata(byte[] bytes)
    {
        using var file = EbmFile.Load(bytes);
        return file.Metadata;
    }

    [Test]
    public void HeadSizeIsOmittedWhenAbsentAndRoundTripsWhenSet()
    {
        byte[] plain = RandomModels.Build(new RandomModelSpec { Seed = 31 });
        Assert.That(Encoding.UTF8.GetString(plain), Does.Not.Contain("headSize"), "files without it stay byte-compatible with older readers");
        Assert.That(Metadata(plain).Architecture.HeadSize, Is.Null);
        Assert.That(Metadata(plain).Architecture.HeadDim, Is.EqualTo(16));
        byte[] pruned = RandomModels.Build(new RandomModelSpec { Heads = 1, HeadSize = 32, Seed = 32 });
        BertArchitecture a = Metadata(pruned).Architecture;
        Assert.That((a.HeadSize, a.HeadDim, a.AttentionWidth), Is.EqualTo(((int?)32, 32, 32)));
        using var model = RuntimeModel.Load(pruned);
        var logits = new float[3];
        model.CreateSession().ClassifyTokens(RandomModels.Tokens(6, 1), default, logits);
        Assert.That(logits.All(float.IsFinite), Is.True);
    }

    [TestCase(0, 4, "architecture.headSize is 0")]
    [TestCase(-3, 4, "architecture.headSize is -3")]
    [TestCase(40_000, 4, "exceeds")]
    public void BadHeadSizesAreRefusedNamingTheField(int headSize, int heads, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => RandomModels.Build(new RandomModelSpec { Heads = heads, HeadSize = headSize }))!;
        Assert.That(ex.Message, Does.Contain(message).And.Contain("architecture.headSize"));
    }

    [Test]
    public void BiAttentionNeedsHeadsTimesHeadSizeEqualToHidden()
    {
        var ex = Assert.Throws<ArgumentException>(() => RandomModels.Build(new RandomModelSpec
        {
            Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Heads = 1, HeadSize = 32,
        }))!;
        Assert.That(ex.Message, Does.Contain("bi-attention needs heads × headSize = hiddenSize"));
        // Equal is fine, even when spelled out.
        Assert.That(() => RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Heads = 4, HeadSize = 16 }), Throws.Nothing);
    }

    [Test]
    public void WithoutHeadSizeHeadsMustStillDivideHidden()
    {
        var ex = Assert.Throws<ArgumentException>(() => RandomModels.Build(new RandomModelSpec { Hidden = 64, Heads = 5 }))!;
        Assert.That(ex.Message, Does.Contain("does not divide hiddenSize").And.Contain("headSize"));
    }

    [Test]
    public void AttentionTensorsMustHaveTheAttentionWidth()
    {
        // Four heads of 32 make Q [128, 64]: the [64, 64] of four heads of 16 does not fit.
        var ex = Assert.Throws<ArgumentException>(() => RandomModels.Build(new RandomModelSpec { Heads = 4 }, headSizeInMetadata: 32))!;
        Assert.That(ex.Message, Does.Contain("layer.0.attention.query.weight").And.Contain("[128, 64]"));
    }

    [Test]
    public void SplitLinearsNeedABinaryScheme()
    {
        byte[] bytes = RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W1A1, Split = true, Seed = 33 });
        var ex = Assert.Throws<ModelFormatException>(() => RuntimeModel.Load(bytes).Dispose())!;
        Assert.That(ex.Message, Does.Contain("layer.0.attention.query.weight_split").And.Contain("w1a8 or w1a4"));
    }

    [Test]
    public void TheSplitWordEmbeddingMustBeBinary()
    {
        byte[] bytes = RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W1A8, Split = true, WordSplit = EbmDType.F32, Seed = 34 });
        var ex = Assert.Throws<ModelFormatException>(() => RuntimeModel.Load(bytes).Dispose())!;
        Assert.That(ex.Message, Does.Contain("embeddings.word.split").And.Contain("binary"));
    }

    [Test]
    public void ASplitModelDiffersFromItsFirstHalfAlone()
    {
        // The second half is really used: dropping it (same file otherwise) changes the logits.
        var spec = new RandomModelSpec { Scheme = LinearScheme.W1A4, Split = true, Activation = FfnActivation.Relu, Seed = 35 };
        using var split = RuntimeModel.Load(RandomModels.Build(spec));
        using var first = RuntimeModel.Load(RandomModels.Build(spec, dropSplit: true));
        int[] ids = RandomModels.Tokens(9, 3);
        var a = new float[3];
        var b = new float[3];
        split.CreateSession().ClassifyTokens(ids, default, a);
        first.CreateSession().ClassifyTokens(ids, default, b);
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void StaticActivationStepsAreUsedAndValidated()
    {
        var spec = new RandomModelSpec { Scheme = LinearScheme.W1A4, ActScale = 0.2f, Activation = FfnActivation.Relu, Seed = 36 };
        using var lsq = RuntimeModel.Load(RandomModels.Build(spec));
        using var dynamic = RuntimeModel.Load(RandomModels.Build(spec with { ActScale = null }));
        int[] ids = RandomModels.Tokens(7, 4);
        var a = new float[3];
        var b = new float[3];
        lsq.CreateSession().ClassifyTokens(ids, default, a);
        dynamic.CreateSession().ClassifyTokens(ids, default, b);
        Assert.That(a, Is.Not.EqualTo(b), "the static steps replace the dynamic min-max");

        var ex = Assert.Throws<ModelFormatException>(() => RuntimeModel.Load(RandomModels.Build(spec with { ActScale = -1f })).Dispose())!;
        Assert.That(ex.Message, Does.Contain("act_scale").And.Contain("positive"));
        byte[] w1a8 = RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W1A8, Seed = 37 }, extraActScale: "layer.0.attention.query.act_scale");
        ex = Assert.Throws<ModelFormatException>(() => RuntimeModel.Load(w1a8).Dispose())!;
        Assert.That(ex.Message, Does.Contain("layer.0.attention.query.act_scale").And.Contain("only w1a4"));
    }
}
