using System.CommandLine;
using EdgeBert.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Data.Corpus;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train pretrain --corpus PATH... (--vocab vocab.txt | --init model-dir) --out run/</c>:
/// masked-language-model pretraining on a text corpus packed into full-length sequences. A small
/// share of the sequences is held out as dev; <c>run/best</c> is the lowest dev loss.
/// </summary>
public static class PretrainCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Text corpus: .txt files or directories (their *.txt files, recursively), or .jsonl task files (their texts; labels ignored).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var vocab = new Option<string?>("--vocab") { Description = "vocab.txt of a new model." };
        var init = new Option<string?>("--init") { Description = "Continue pretraining this model directory." };
        var maskProbability = CommandSupport.Option("--mask-prob", "Share of tokens predicted (80% [MASK], 10% random, 10% kept).", 0.15f);
        var wholeWord = new Option<bool>("--whole-word") { Description = "Mask whole words (a token and its ## pieces) together." };
        var devFraction = CommandSupport.Option("--dev-fraction", "Share of sequences held out for dev loss.", 0.05);
        var sizes = new ModelSizeOptions();
        var run = new TrainingRunOptions(defaultLearningRate: 1e-4f, defaultEpochs: 1, defaultBatchSize: 16);
        var engine = new EngineOptions();
        var command = new Command("pretrain", "Masked-language-model pretraining on a text corpus.")
        {
            corpus, vocab, init, maskProbability, wholeWord, devFraction,
        };
        sizes.AddTo(command);
        run.AddTo(command);
        engine.AddTo(command);
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                TrainingOptions options = run.Build(parse);
                string? initDir = parse.GetValue(init);
                string? vocabPath = parse.GetValue(vocab);
                if ((initDir is null) == (vocabPath is null)) throw new ArgumentException("give exactly one of --vocab (new model) or --init (model directory).");
                double dev = parse.GetValue(devFraction);
                if (!(dev >= 0 && dev < 1)) throw new ArgumentException($"--dev-fraction must lie in [0, 1) (got {dev}).");
                WordPieceVocabulary vocabulary = initDir is null ? WordPieceVocabulary.Load(vocabPath!) : ModelDirectory.ReadVocabulary(initDir);
                BertConfig config = initDir is null ? sizes.Config(parse, vocabulary.Count, []) : ModelDirectory.ReadConfig(initDir);
                var sequences = ExampleEncoder.PackCorpus(parse.GetValue(corpus)!.SelectMany(path => CorpusTexts.Read(path)), ExampleEncoder.Tokenizer(vocabulary, config), config.MaxSequenceLength);
                int devCount = sequences.Count >= 20 ? (int)Math.Round(sequences.Count * dev) : 0;
                // The held-out sequences are the corpus's last ones: no overlap with training text.
                var trainSet = sequences.Take(sequences.Count - devCount).ToList();
                var devSet = sequences.Skip(sequences.Count - devCount).ToList();
                var masker = new MlmMasker(vocabulary, parse.GetValue(maskProbability), parse.GetValue(wholeWord));
                int batchSize = parse.GetValue(run.BatchSize), pad = vocabulary.PaddingId ?? 0;
                void Describe(long updates) => ui.MarkupLine(Markup.Escape($"pretrain: {trainSet.Count} train / {devSet.Count} dev sequences of ≤ {config.MaxSequenceLength} tokens, " +
                    $"{config.Layers}×{config.Hidden} (heads {config.Heads}, ffn {config.Ffn}), {updates} updates, seed {options.Seed}"));
                EngineOptions.Start(parse.GetValue(run.Threads));
                (TrainingResult result, string best) = TorchPretrain(ui, engine.TorchDevice(parse), config, initDir, vocabulary.Tokens, new TorchMlmTask(trainSet, devSet, masker, batchSize, options.Seed, pad), options, Describe);
                if (result.Interrupted)
                {
                    ui.MarkupLine(Markup.Escape($"stopped after step {result.Steps}; continue with the same options and --resume."));
                    return Program.ExitOk;
                }

                ui.MarkupLine(Markup.Escape($"pretrained model: {best} (fine-tune with --init)"));
                return Program.ExitOk;
            });
        });
        return command;
    }

    private static (TrainingResult Result, string Best) TorchPretrain(IAnsiConsole ui, TorchSharp.torch.Device device, BertConfig config, string? initDir, IReadOnlyList<string> vocabulary, TorchMlmTask task, TrainingOptions options, Action<long> describe)
    {
        using TorchBertModel model = TorchFinetune.NewModel(config, initDir, options.Seed, device, (dir, _) => SafeTensors.Read(Path.Combine(dir, ModelDirectory.WeightsFile)));
        var loop = new TorchTrainingLoop(model, vocabulary, task, options);
        describe(loop.TotalSteps);
        TrainingResult result = TrainingProgressDisplay.Run(ui, loop, "pretrain");
        if (!result.Interrupted && !Directory.Exists(loop.BestDirectory!)) TorchModelDirectory.Save(loop.BestDirectory!, model, vocabulary);
        return (result, loop.BestDirectory!);
    }
}
