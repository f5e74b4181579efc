using System.CommandLine;
using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train random-model</c>: writes a valid BERT model with random weights
/// (N(0, 0.02) like BERT's initialiser, LayerNorm gamma 1 and beta 0) and a small generated
/// vocabulary, so the runtime, benchmarks and the CLI can be exercised before a trained model
/// exists. <c>--scheme</c> quantizes every layer's linears (and the pooler) with the runtime's
/// rules (<see cref="LinearExporter"/>: TWN ternary, BiBERT binary, int8 per row); <c>w1a1</c>
/// also selects Bi-Attention and a binary word embedding, as BiBERT. The classifier stays FP32.
/// The same options and seed give the same bytes. The model itself comes from Core's
/// <see cref="RandomBert"/>, which <c>edgebert bench --e2e</c> uses too.
/// </summary>
public static class RandomModelCommand
{
    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Path of the .ebm file to write.", Required = true };
        var layers = new Option<int>("--layers") { Description = "Encoder layers.", DefaultValueFactory = _ => 2 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size.", DefaultValueFactory = _ => 64 };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => 2 };
        var ffn = new Option<int>("--ffn") { Description = "FFN intermediate size.", DefaultValueFactory = _ => 128 };
        var headSize = new Option<int>("--head-size") { Description = "Dimensions per head (0: hidden/heads; else heads × head size may differ from hidden).", DefaultValueFactory = _ => 0 };
        var positions = new Option<int>("--max-positions") { Description = "Position embeddings (longest input).", DefaultValueFactory = _ => 128 };
        var labels = new Option<string>("--labels") { Description = "Comma-separated class labels.", DefaultValueFactory = _ => "ham,spam" };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var scheme = new Option<string>("--scheme")
        {
            Description = "Quantization of every layer: fp32, w8a8, w2a8, w1a8, w1a4 or w1a1 (w1a1 adds Bi-Attention and a binary word embedding).",
            DefaultValueFactory = _ => "fp32",
        };
        scheme.AcceptOnlyFromAmong([.. LinearSchemes.All.Select(LinearSchemes.Name)]);
        var activation = new Option<string>("--activation") { Description = "FFN activation: gelu or relu.", DefaultValueFactory = _ => "gelu" };
        activation.AcceptOnlyFromAmong("gelu", "relu");
        var command = new Command("random-model", "Write a valid FP32 model with random weights (for testing the runtime).")
        {
            output, layers, hidden, heads, ffn, headSize, positions, labels, seed, scheme, activation,
        };
        command.SetAction(parseResult =>
        {
            var options = new RandomBertOptions
            {
                Layers = parseResult.GetValue(layers),
                Hidden = parseResult.GetValue(hidden),
                Heads = parseResult.GetValue(heads),
                Ffn = parseResult.GetValue(ffn),
                HeadSize = parseResult.GetValue(headSize),
                MaxPositions = parseResult.GetValue(positions),
                Labels = parseResult.GetValue(labels)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Seed = parseResult.GetValue(seed),
                Scheme = LinearSchemes.TryParse(parseResult.GetValue(scheme), out var parsed) ? parsed : LinearScheme.Fp32,
                Activation = parseResult.GetValue(activation) == "relu" ? FfnActivation.Relu : FfnActivation.Gelu,
            };
            string path = parseResult.GetValue(output)!;
            var writer = Build(options);
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            writer.WriteTo(path);
            parseResult.InvocationConfiguration.Output.WriteLine(
                $"wrote {path}: {options.Layers} layers, hidden {options.Hidden}, heads {options.Heads}, ffn {options.Ffn}, " +
                $"scheme {LinearSchemes.Name(options.Scheme)}, {options.Activation.ToString().ToLowerInvariant()}, " +
                $"{Vocabulary().Count} tokens, labels {string.Join(",", options.Labels)}, seed {options.Seed}");
            return Program.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// Builds the model (<see cref="RandomBert"/>) with this trainer's version and a note of the
    /// seed and scheme in its provenance; throws <see cref="ArgumentException"/> for impossible sizes.
    /// </summary>
    public static EbmWriter Build(RandomBertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RandomBert.Build(options with
        {
            TrainerVersion = typeof(RandomModelCommand).Assembly.GetName().Version?.ToString() ?? "",
            Notes = $"random weights (seed {options.Seed}, scheme {LinearSchemes.Name(options.Scheme)}): for testing only",
        });
    }

    /// <summary>The generated vocabulary (<see cref="RandomBert.DefaultVocabulary"/>): fixed, so ids are stable.</summary>
    public static IReadOnlyList<string> Vocabulary() => RandomBert.DefaultVocabulary();
}
