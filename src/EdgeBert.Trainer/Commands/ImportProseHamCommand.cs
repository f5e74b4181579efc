using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeBert.Trainer.Data.Prose;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train import-prose-ham --corpus data/stdlib/sotu/data data/stdlib/moby-dick/data
/// --merge-with data/spam --out data/spam-prose</c>: short snippets of ordinary prose as extra
/// <c>ham</c> training and dev examples (issue 16; see <see cref="ProseHamImporter"/> and
/// <see cref="ProseHamMerge"/>). Exit code 0 on success, 1 when a corpus or the task is missing,
/// unreadable or too small for the counts asked, or an option is invalid.
/// </summary>
public static class ImportProseHamCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var defaults = new ProseHamOptions();
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Corpus directories (*.txt read recursively; one file = one document); the snippets are shared evenly between them",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = CommandSupport.Option("--out", "Output directory (prose-train.jsonl, prose-dev.jsonl; with --merge-with also train/dev/test.jsonl).", Path.Combine("data", "spam-prose"));
        var merge = new Option<string?>("--merge-with") { Description = "Directory of import-spam's train/dev/test.jsonl to merge the snippets into (test copied unchanged)" };
        var minWords = CommandSupport.Option("--min-words", "Shortest snippet, in words.", defaults.MinWords);
        var maxWords = CommandSupport.Option("--max-words", "Longest snippet, in words.", defaults.MaxWords);
        var trainCount = CommandSupport.Option("--train-count", "Train snippets (shared evenly between the corpora).", defaults.TrainCount);
        var devCount = CommandSupport.Option("--dev-count", "Dev snippets (shared evenly between the corpora).", defaults.DevCount);
        var devFraction = CommandSupport.Option("--dev-fraction", "Fraction of each corpus's documents in the dev split.", defaults.DevFraction);
        var seed = CommandSupport.Option("--seed", "Seed of the document split, the snippet lengths and the sampling.", defaults.Seed);
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "File names (wildcards * ?) not read; default: data.txt (@stdlib's whole Moby Dick, repeating the chapters) and contents.txt",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [.. defaults.Exclude],
        };
        var examples = CommandSupport.Option("--examples", "Train snippets printed per corpus.", 3);
        var command = new Command("import-prose-ham", "Cut short snippets of plain prose (State of the Union, Moby Dick) into extra ham examples, optionally merged into import-spam's task")
        {
            corpus, output, merge, minWords, maxWords, trainCount, devCount, devFraction, seed, exclude, examples,
        };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                var options = new ProseHamOptions
                {
                    MinWords = parse.GetValue(minWords),
                    MaxWords = parse.GetValue(maxWords),
                    TrainCount = parse.GetValue(trainCount),
                    DevCount = parse.GetValue(devCount),
                    DevFraction = parse.GetValue(devFraction),
                    Seed = parse.GetValue(seed),
                    Exclude = parse.GetValue(exclude) ?? [],
                };
                options.Validate();
                if (parse.GetValue(examples) < 0) throw new ArgumentException($"--examples must not be negative (got {parse.GetValue(examples)}).");
                var clock = Stopwatch.StartNew();
                var corpora = ProseHamImporter.ReadCorpora(parse.GetValue(corpus) ?? [], options, c =>
                    ui.MarkupLine(Markup.Escape($"read {c.Source}: {c.Documents.Count} files from {c.Directory} ({clock.Elapsed.TotalSeconds:F1} s)")));
                ui.MarkupLine("cutting sentences and sampling snippets ...");
                var import = ProseHamImporter.Import(corpora, options);
                string outDir = parse.GetValue(output)!;
                string? mergeDir = parse.GetValue(merge);
                var written = ProseHamMerge.Write(import, outDir, mergeDir, options.Seed);
                WriteSummary(ui, import, options, parse.GetValue(examples));
                ui.MarkupLine(Markup.Escape($"wrote {written.ProseTrain} + {written.ProseDev} prose snippets (label {ProseHamImporter.Label}, view {ProseHamImporter.View}) to {Path.Combine(outDir, "prose-{train,dev}.jsonl")}"
                    + (mergeDir is null ? "" : $"; merged with {mergeDir}: train.jsonl {written.Train}, dev.jsonl {written.Dev}, test.jsonl {written.Test} (copied)")
                    + $" in {clock.Elapsed.TotalSeconds:F1} s."));
                return Program.ExitOk;
            });
        });
        return command;
    }

    private static void WriteSummary(IAnsiConsole ui, ProseHamImport import, ProseHamOptions options, int examples)
    {
        var ci = CultureInfo.InvariantCulture;
        var table = new Table().AddColumn("source").AddColumn("split");
        foreach (string column in new[] { "docs", "avail", "taken", "words q1", "med", "q3", "1/2/3 sent" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var count in import.Counts)
        {
            foreach (var (split, snippets, documents, available) in new[]
            {
                ("train", import.Train, count.TrainDocuments, count.TrainAvailable),
                ("dev", import.Dev, count.DevDocuments, count.DevAvailable),
            })
            {
                var mine = snippets.Where(s => s.Source == count.Source).ToList();
                var words = mine.Select(s => s.Words).Order().ToArray();
                table.AddRow(Markup.Escape(count.Source), split, documents.ToString(ci), available.ToString(ci), mine.Count.ToString(ci),
                    Quantile(words, 0.25), Quantile(words, 0.5), Quantile(words, 0.75),
                    string.Join('/', Enumerable.Range(1, 3).Select(k => mine.Count(s => s.Sentences == k).ToString(ci))));
            }
        }
        ui.Write(table);
        ui.MarkupLine(Markup.Escape($"snippets of {options.MinWords}-{options.MaxWords} words, seed {options.Seed}."));
        foreach (var count in import.Counts.Where(_ => examples > 0))
        {
            ui.MarkupLine(Markup.Escape($"examples from {count.Source} (train):"));
            foreach (var snippet in import.Train.Where(s => s.Source == count.Source).Take(examples))
                ui.MarkupLine(Markup.Escape($"  [{snippet.Document}] {snippet.Text}"));
        }
    }

    /// <summary>The nearest-rank quantile of sorted values, or "-" for none.</summary>
    private static string Quantile(int[] sorted, double q) =>
        sorted.Length == 0 ? "-" : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)].ToString(CultureInfo.InvariantCulture);
}
