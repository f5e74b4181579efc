using System.CommandLine;
using EdgeBert.Trainer.Data.Corpus;
using EdgeBert.Trainer.Data.Vocab;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>Command factory for <c>edgebert-train vocab</c>.</summary>
public static class VocabCommand
{
    /// <summary>
    /// <c>vocab --corpus PATH... [--size 8000] [--out vocab.txt] [--lowercase] [--min-frequency 2]
    /// [--limit-alphabet 1000]</c>: trains a WordPiece vocabulary and writes it as a BERT/Hugging Face
    /// <c>vocab.txt</c>. A corpus path is a text file, a directory (its <c>*.txt</c> files), or a
    /// <c>.jsonl</c> task file (its texts). Exit code 0 on success, 1 on bad input.
    /// </summary>
    /// <param name="console">Where progress and the summary go; the process console when null.</param>
    public static Command Create(IAnsiConsole? console = null)
    {
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Corpus files or directories (*.txt), or .jsonl task files",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var size = new Option<int>("--size")
        {
            Description = "Target vocabulary size, special tokens included",
            DefaultValueFactory = _ => 8000,
        };
        var output = new Option<string>("--out")
        {
            Description = "Output vocab.txt path",
            DefaultValueFactory = _ => "vocab.txt",
        };
        var lowercase = new Option<bool>("--lowercase")
        {
            Description = "Lowercase and strip accents (uncased BERT)",
        };
        var minFrequency = new Option<long>("--min-frequency")
        {
            Description = "Pairs seen fewer times are never merged",
            DefaultValueFactory = _ => 2,
        };
        var limitAlphabet = new Option<int>("--limit-alphabet")
        {
            Description = "Most distinct characters kept",
            DefaultValueFactory = _ => 1000,
        };
        var command = new Command("vocab", "Train a WordPiece vocabulary (vocab.txt) from text")
        {
            corpus, size, output, lowercase, minFrequency, limitAlphabet,
        };
        command.SetAction(parseResult =>
        {
            var ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                var options = new WordPieceTrainerOptions
                {
                    VocabSize = parseResult.GetValue(size),
                    Lowercase = parseResult.GetValue(lowercase),
                    MinFrequency = parseResult.GetValue(minFrequency),
                    LimitAlphabet = parseResult.GetValue(limitAlphabet),
                };
                return Run(ui, parseResult.GetValue(corpus)!, parseResult.GetValue(output)!, options);
            });
        });
        return command;
    }

    private static readonly TextCorpusOptions LineUnits = new() { Unit = CorpusUnit.Line };

    private static int Run(IAnsiConsole ui, string[] corpusPaths, string outPath, WordPieceTrainerOptions options)
    {
        var trainer = new WordPieceTrainer(options);
        var files = corpusPaths.SelectMany(p => TextCorpusReader.ListFiles(p)).ToList();
        IReadOnlyList<string> vocab = [];
        ui.Progress().AutoClear(true).Start(ctx =>
        {
            var counting = ctx.AddTask("Counting words", maxValue: files.Count);
            foreach (var file in files)
            {
                // Lines, not paragraphs: word counts do not depend on the unit and lines stream in less memory.
                foreach (var text in CorpusTexts.Read(file, LineUnits))
                {
                    trainer.Add(text);
                }
                counting.Increment(1);
            }
            var training = ctx.AddTask("Learning subwords", maxValue: options.VocabSize);
            vocab = trainer.Train(new DataProgress<int>(n => training.Value = n));
            training.Value = options.VocabSize;
        });
        WordPieceTrainer.WriteVocab(outPath, vocab);
        ui.MarkupLine($"{files.Count} files, {trainer.DistinctWords} distinct words: wrote {vocab.Count} tokens to " +
                      $"{Markup.Escape(outPath)}");
        return 0;
    }
}
