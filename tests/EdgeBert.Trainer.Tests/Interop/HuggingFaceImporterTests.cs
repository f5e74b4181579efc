using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Interop;

public class HuggingFaceImporterTests
{
    /// <summary>
    /// Writes a tiny BertForSequenceClassification checkpoint in HF's layout (HF tensor names,
    /// config.json keys, vocab.txt) with distinct random values per tensor; returns the tensors by HF name.
    /// </summary>
    internal static Dictionary<string, float[]> WriteHfCheckpoint(string dir, int layers = 1, bool withMlm = true, string? drop = null)
    {
        int v = Tiny.Vocabulary.Count, h = 16, f = 32, p = 16;
        var rng = new TrainingRandom(77);
        var tensors = new List<(string, int[], float[])>();
        void Add(string name, params int[] shape)
        {
            if (name == drop) return;
            tensors.Add((name, shape, [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())))]));
        }

        Add("bert.embeddings.word_embeddings.weight", v, h);
        Add("bert.embeddings.position_embeddings.weight", p, h);
        Add("bert.embeddings.token_type_embeddings.weight", 2, h);
        Add("bert.embeddings.LayerNorm.weight", h);
        Add("bert.embeddings.LayerNorm.bias", h);
        for (int i = 0; i < layers; i++)
        {
            string l = $"bert.encoder.layer.{i}.";
            foreach (string part in new[] { "query", "key", "value" })
            {
                Add(l + $"attention.self.{part}.weight", h, h);
                Add(l + $"attention.self.{part}.bias", h);
            }

            Add(l + "attention.output.dense.weight", h, h);
            Add(l + "attention.output.dense.bias", h);
            Add(l + "attention.output.LayerNorm.weight", h);
            Add(l + "attention.output.LayerNorm.bias", h);
            Add(l + "intermediate.dense.weight", f, h);
            Add(l + "intermediate.dense.bias", f);
            Add(l + "output.dense.weight", h, f);
            Add(l + "output.dense.bias", h);
            Add(l + "output.LayerNorm.weight", h);
            Add(l + "output.LayerNorm.bias", h);
        }

        Add("bert.pooler.dense.weight", h, h);
        Add("bert.pooler.dense.bias", h);
        Add("classifier.weight", 2, h);
        Add("classifier.bias", 2);
        if (withMlm)
        {
            Add("cls.predictions.bias", v);
            Add("cls.predictions.transform.dense.weight", h, h);
            Add("cls.predictions.transform.dense.bias", h);
            Add("cls.predictions.transform.LayerNorm.weight", h);
            Add("cls.predictions.transform.LayerNorm.bias", h);
            Add("cls.predictions.decoder.weight", v, h);
        }

        Directory.CreateDirectory(dir);
        SafeTensors.Write(Path.Combine(dir, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(dir, "vocab.txt"), string.Concat(Tiny.Vocabulary.Tokens.Select(t => t + "\n")));
        File.WriteAllText(Path.Combine(dir, "config.json"), $$"""
            {
              "architectures": ["BertForSequenceClassification"], "model_type": "bert",
              "vocab_size": {{v}}, "hidden_size": {{h}}, "num_hidden_layers": {{layers}}, "num_attention_heads": 2,
              "intermediate_size": {{f}}, "max_position_embeddings": {{p}}, "type_vocab_size": 2,
              "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "layer_norm_eps": 1e-12,
              "id2label": {"0": "ham", "1": "spam"}, "label2id": {"ham": 0, "spam": 1}
            }
            """);
        return tensors.ToDictionary(t => t.Item1, t => t.Item3);
    }

    [Test]
    public void Import_MapsEveryHfTensorToItsTrainerName()
    {
        using var dir = new TempDirectory();
        var hf = WriteHfCheckpoint(dir.Path, layers: 2);
        (TorchBertModel imported, var vocabulary) = HuggingFaceImporter.Import(dir.Path);
        using TorchBertModel model = imported;
        Assert.That(vocabulary.Count, Is.EqualTo(Tiny.Vocabulary.Count));
        Assert.That(model.Config.Labels, Is.EqualTo(new[] { "ham", "spam" }));
        Assert.That((model.Config.Layers, model.Config.Hidden, model.Config.Heads, model.Config.Ffn), Is.EqualTo((2, 16, 2, 32)));
        var ours = model.NamedWeights().ToDictionary(p => p.Name, p => TorchTensors.ToFloats(p.Parameter));
        var mapping = new Dictionary<string, string>
        {
            ["embeddings.word"] = "bert.embeddings.word_embeddings.weight",
            ["embeddings.position"] = "bert.embeddings.position_embeddings.weight",
            ["embeddings.token_type"] = "bert.embeddings.token_type_embeddings.weight",
            ["embeddings.ln.gamma"] = "bert.embeddings.LayerNorm.weight",
            ["embeddings.ln.beta"] = "bert.embeddings.LayerNorm.bias",
            ["layer.1.attention.query.weight"] = "bert.encoder.layer.1.attention.self.query.weight",
            ["layer.1.attention.value.bias"] = "bert.encoder.layer.1.attention.self.value.bias",
            ["layer.1.attention.output.weight"] = "bert.encoder.layer.1.attention.output.dense.weight",
            ["layer.1.attention.ln.gamma"] = "bert.encoder.layer.1.attention.output.LayerNorm.weight",
            ["layer.0.ffn.in.weight"] = "bert.encoder.layer.0.intermediate.dense.weight",
            ["layer.0.ffn.out.weight"] = "bert.encoder.layer.0.output.dense.weight",
            ["layer.0.ffn.ln.beta"] = "bert.encoder.layer.0.output.LayerNorm.bias",
            ["pooler.weight"] = "bert.pooler.dense.weight",
            ["classifier.weight"] = "classifier.weight",
            ["classifier.bias"] = "classifier.bias",
            ["mlm.transform.weight"] = "cls.predictions.transform.dense.weight",
            ["mlm.ln.gamma"] = "cls.predictions.transform.LayerNorm.weight",
            ["mlm.bias"] = "cls.predictions.bias",
        };
        foreach ((string name, string hfName) in mapping) Assert.That(ours[name], Is.EqualTo(hf[hfName]), $"{name} ← {hfName}");
        // Every HF tensor but the tied decoder landed somewhere.
        int distinct = hf.Where(t => t.Key != "cls.predictions.decoder.weight").Count(t => ours.Values.Any(o => o.AsSpan().SequenceEqual(t.Value)));
        Assert.That(distinct, Is.EqualTo(hf.Count - 1));
    }

    [Test]
    public void Import_WithoutMlmHead_KeepsItsInitialisation()
    {
        using var dir = new TempDirectory();
        WriteHfCheckpoint(dir.Path, withMlm: false);
        (TorchBertModel model, _) = HuggingFaceImporter.Import(dir.Path);
        using (model) Assert.That(TorchTensors.ToFloats(model.NamedWeights().Single(w => w.Name == "mlm.ln.gamma").Parameter), Is.All.EqualTo(1f));
    }

    [TestCase("bert.encoder.layer.0.attention.self.key.weight", "'layer.0.attention.key.weight' is missing")]
    [TestCase("bert.pooler.dense.bias", "'pooler.bias' is missing")]
    public void Import_MissingTensor_NamesIt(string drop, string message)
    {
        using var dir = new TempDirectory();
        WriteHfCheckpoint(dir.Path, drop: drop);
        Assert.That(() => HuggingFaceImporter.Import(dir.Path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(message));
    }

    [Test]
    public void Import_BadConfigOrFiles_ThrowClearly()
    {
        using var dir = new TempDirectory();
        Assert.That(() => HuggingFaceImporter.Import(dir.Path), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("config.json"));
        WriteHfCheckpoint(dir.Path);
        string config = Path.Combine(dir.Path, "config.json");
        string text = File.ReadAllText(config);
        File.WriteAllText(config, text.Replace("\"num_attention_heads\": 2,", ""));
        Assert.That(() => HuggingFaceImporter.Import(dir.Path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'num_attention_heads' is missing"));
        File.WriteAllText(config, text.Replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"swish\""));
        Assert.That(() => HuggingFaceImporter.Import(dir.Path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("swish"));
        File.WriteAllText(config, text.Replace("\"hidden_size\": 16", "\"hidden_size\": 32"));
        Assert.That(() => HuggingFaceImporter.Import(dir.Path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("embeddings.word").And.Message.Contains("the model expects"));
    }

    [TestCase("bert.encoder.layer.3.output.LayerNorm.gamma", "layer.3.ffn.ln.gamma")]
    [TestCase("encoder.layer.0.attention.output.LayerNorm.beta", "layer.0.attention.ln.beta")]
    [TestCase("bert.embeddings.position_ids", null)]
    [TestCase("cls.seq_relationship.weight", null)]
    public void Rename_HandlesOldAndBareNames(string hf, string? ours) => Assert.That(HuggingFaceImporter.Rename(hf), Is.EqualTo(ours));
}
