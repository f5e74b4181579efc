using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>
/// Model.Load verifies every tensor's checksum before it returns, on a second thread for large
/// models (concurrently with weight packing): damage anywhere is still refused, with the checksum
/// message, whichever thread finds it.
/// </summary>
public class ModelVerificationTests
{
    /// <summary>FP32, hidden 128 over the default vocabulary: about 1.7 MB, above the concurrent threshold.</summary>
    private static byte[] Large() => RandomBert.Build(new RandomBertOptions { Layers = 2, Hidden = 128, Heads = 2, Ffn = 512, MaxPositions = 16, Seed = 8 }).ToArray();

    private static long DataOffset(byte[] bytes, string tensor)
    {
        using var file = EbmFile.Load(bytes);
        return file.GetTensor(tensor).FileOffset;
    }

    [Test]
    public void The_large_test_model_takes_the_concurrent_path()
    {
        using var file = EbmFile.Load(Large());
        Assert.That(file.Tensors.Sum(t => t.Length), Is.GreaterThanOrEqualTo(RuntimeModel.ConcurrentVerificationBytes));
        if (Environment.ProcessorCount < 2) Assert.Inconclusive("one core: verification runs on the caller's thread");
    }

    // The word embedding is read in place (only the rows a text uses); a linear is packed at load.
    [TestCase("embeddings.word")]
    [TestCase("layer.1.ffn.in.weight")]
    [TestCase("classifier.weight")]
    public void A_damaged_tensor_fails_the_load_with_its_checksum_from_memory_and_from_a_file(string tensor)
    {
        byte[] bytes = Large();
        bytes[DataOffset(bytes, tensor) + 13] ^= 0x20;
        Assert.That(() => RuntimeModel.Load(bytes),
            Throws.InstanceOf<ModelFormatException>().With.Message.Contains("checksum mismatch").And.Message.Contains(tensor));
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-verify-{Environment.ProcessId}-{tensor}.ebm");
        File.WriteAllBytes(path, bytes);
        try
        {
            Assert.That(() => RuntimeModel.Load(path),
                Throws.InstanceOf<ModelFormatException>().With.Message.Contains("checksum mismatch").And.Message.Contains(tensor));
            // The failed load unmapped the file: it can be replaced at once.
            File.WriteAllBytes(path, Large());
            using var model = RuntimeModel.Load(path);
            Assert.That(model.HiddenSize, Is.EqualTo(128));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Skipping_verification_loads_damaged_weights_and_the_default_does_not()
    {
        byte[] bytes = Large();
        bytes[DataOffset(bytes, "layer.0.attention.query.weight") + 5] ^= 0x01;
        using var unchecked_ = RuntimeModel.Load(bytes, new ModelOptions { VerifyChecksums = false });
        Assert.That(unchecked_.Schemes, Is.All.EqualTo(LinearScheme.Fp32));
        Assert.Throws<ModelFormatException>(() => RuntimeModel.Load(bytes));
    }

    [Test]
    public void A_checksum_failure_wins_over_a_construction_error_on_the_same_file()
    {
        // An unsupported kernel family makes construction fail; the damaged tensor must still be what is reported.
        byte[] bytes = Large();
        bytes[DataOffset(bytes, "embeddings.word") + 1] ^= 0x10;
        var missing = Enum.GetValues<EdgeBert.Kernels.KernelIsa>().Where(i => !EdgeBert.Kernels.KernelIsaSelector.IsSupported(i)).ToArray();
        if (missing.Length == 0) Assert.Ignore("this machine supports every kernel family");
        Assert.That(() => RuntimeModel.Load(bytes, new ModelOptions { Isa = missing[0] }),
            Throws.InstanceOf<ModelFormatException>().With.Message.Contains("checksum mismatch"));
    }

    [Test]
    public void Concurrent_loads_of_one_file_all_verify_and_agree()
    {
        byte[] bytes = Large();
        var logits = new float[4][];
        Parallel.For(0, 4, i =>
        {
            using var model = RuntimeModel.Load(bytes);
            logits[i] = new float[2];
            model.CreateSession().Classify("free money now", logits[i]);
        });
        Assert.That(logits.Skip(1), Is.All.EqualTo(logits[0]));
    }

    /// <summary>
    /// A file the format accepts but the tokenizer does not: the metadata names "&lt;unk&gt;" as
    /// the unknown token, while the WordPiece vocabulary needs a literal [UNK].
    /// </summary>
    private static byte[] WithoutUnknownToken(int hidden)
    {
        using var file = EbmFile.Load(RandomBert.Build(new RandomBertOptions { Layers = 2, Hidden = hidden, Heads = 2, Ffn = 4 * hidden, MaxPositions = 16, Seed = 8 }).ToArray());
        var metadata = file.Metadata with { Tokenizer = file.Metadata.Tokenizer with { UnkToken = "<unk>" } };
        var writer = new EbmWriter(metadata, [.. file.Vocabulary.Select(t => t == "[UNK]" ? "<unk>" : t)]);
        foreach (var t in file.Tensors) writer.AddF32(t.Name, t.Shape.ToArray(), file.GetF32(t.Name));
        return writer.ToArray();
    }

    [TestCase(128, TestName = "Vocabulary_errors_surface_from_the_second_thread (large)")]
    [TestCase(16, TestName = "Vocabulary_errors_surface_from_the_second_thread (small, sequential)")]
    public void Vocabulary_errors_surface_as_before(int hidden)
    {
        byte[] bytes = WithoutUnknownToken(hidden);
        Assert.That(bytes.Length >= RuntimeModel.ConcurrentVerificationBytes, Is.EqualTo(hidden == 128));
        Assert.That(() => RuntimeModel.Load(bytes), Throws.InstanceOf<FormatException>().With.Message.Contains("[UNK]"));
        bytes[DataOffset(bytes, "layer.0.ffn.out.weight") + 3] ^= 0x08;
        Assert.That(() => RuntimeModel.Load(bytes),
            Throws.InstanceOf<ModelFormatException>().With.Message.Contains("checksum mismatch"), "a checksum failure is reported first");
    }
}
