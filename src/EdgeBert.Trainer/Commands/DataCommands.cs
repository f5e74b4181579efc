using System.CommandLine;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.SpamAssassin;
using EdgeBert.Trainer.Data.Tasks;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>Command factories for data preparation (<c>edgebert-train import-spam</c>).</summary>
public static class DataCommands
{
    /// <summary>
    /// <c>import-spam --data data/ --out data/spam/ [--max-chars 2000] [--dev 0.1] [--test 0.1]
    /// [--views whole,subject,first] [--first-words 25] [--keep-artefacts]</c>: imports the
    /// SpamAssassin corpus fetched by <c>scripts/fetch-data.sh</c>, without the corpus's label-leaking
    /// artefacts (<see cref="CorpusArtefacts"/>), and writes <c>train.jsonl</c>, <c>dev.jsonl</c> and
    /// <c>test.jsonl</c> (<c>{"text", "label", "view"}</c>, labels ham/spam; every view of a mail in
    /// the mail's split). Exit code 0 on success, 1 when the corpus is missing or an option is invalid.
    /// </summary>
    /// <param name="console">Where progress and the summary go; the process console when null.</param>
    public static Command CreateImportSpamAssassin(IAnsiConsole? console = null)
    {
        var data = new Option<string>("--data")
        {
            Description = "Data directory from scripts/fetch-data.sh (or the unpacked package)",
            DefaultValueFactory = _ => "data",
        };
        var output = new Option<string>("--out")
        {
            Description = "Output directory for train.jsonl, dev.jsonl and test.jsonl",
            DefaultValueFactory = _ => Path.Combine("data", "spam"),
        };
        var maxChars = new Option<int>("--max-chars")
        {
            Description = "Longest text kept, in chars",
            DefaultValueFactory = _ => new SpamAssassinOptions().MaxChars,
        };
        var dev = new Option<double>("--dev")
        {
            Description = "Fraction of messages for the dev split",
            DefaultValueFactory = _ => 0.1,
        };
        var test = new Option<double>("--test")
        {
            Description = "Fraction of messages for the test split",
            DefaultValueFactory = _ => 0.1,
        };
        var views = new Option<string>("--views")
        {
            Description = "Views of each mail to write, comma-separated: whole, subject, first (the first --first-words words)",
            DefaultValueFactory = _ => "whole,subject,first",
        };
        var firstWords = new Option<int>("--first-words")
        {
            Description = "Words in the 'first' view",
            DefaultValueFactory = _ => new SpamAssassinOptions().FirstWords,
        };
        var keepArtefacts = new Option<bool>("--keep-artefacts")
        {
            Description = "Keep list subject tags, list footers and SpamAssassin markers (the import before views)",
        };
        var command = new Command("import-spam", "Import the SpamAssassin corpus into train/dev/test JSONL files")
        {
            data, output, maxChars, dev, test, views, firstWords, keepArtefacts,
        };
        command.SetAction(parseResult =>
        {
            var ui = console ?? AnsiConsole.Console;
            try
            {
                var options = new SpamAssassinOptions
                {
                    MaxChars = parseResult.GetValue(maxChars),
                    DevFraction = parseResult.GetValue(dev),
                    TestFraction = parseResult.GetValue(test),
                    Views = ParseViews(parseResult.GetValue(views)!),
                    FirstWords = parseResult.GetValue(firstWords),
                    RemoveArtefacts = !parseResult.GetValue(keepArtefacts),
                };
                Validate(options);
                return Run(ui, parseResult.GetValue(data)!, parseResult.GetValue(output)!, options);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or ArgumentException or IOException)
            {
                ui.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static List<MailView> ParseViews(string list)
    {
        var views = new List<MailView>();
        foreach (string name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var view = name switch
            {
                "whole" => MailView.Whole,
                "subject" => MailView.Subject,
                "first" => MailView.FirstWords,
                _ => throw new ArgumentException($"--views: unknown view '{name}'; use whole, subject and/or first."),
            };
            if (!views.Contains(view)) views.Add(view);
        }
        if (views.Count == 0) throw new ArgumentException("--views names no view; use whole, subject and/or first.");
        return views;
    }

    private static void Validate(SpamAssassinOptions options)
    {
        if (options.FirstWords <= 0)
        {
            throw new ArgumentException($"--first-words must be positive, got {options.FirstWords}.");
        }
        if (options.MaxChars <= 0)
        {
            throw new ArgumentException($"--max-chars must be positive, got {options.MaxChars}.");
        }
        if (options.DevFraction is < 0 or > 1 || options.TestFraction is < 0 or > 1
            || options.DevFraction + options.TestFraction > 1)
        {
            throw new ArgumentException(
                $"--dev and --test must lie in [0, 1] and sum to at most 1, got {options.DevFraction} and {options.TestFraction}.");
        }
    }

    private static int Run(IAnsiConsole ui, string dataDir, string outDir, SpamAssassinOptions options)
    {
        var sources = SpamAssassinImporter.FindSources(dataDir);
        var import = ui.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("Importing messages", maxValue: sources.Count);
            var progress = new DataProgress<int>(read => task.Value = read);
            return SpamAssassinImporter.Import(
                sources.Select(s => (s.Name, File.ReadAllBytes(s.Path), s.Label)), options, progress);
        });

        var table = new Table().AddColumn("split").AddColumn("file").AddColumn(new TableColumn("ham").RightAligned())
            .AddColumn(new TableColumn("spam").RightAligned()).AddColumn(new TableColumn("examples (all views)").RightAligned());
        foreach (var split in Enum.GetValues<DataSplit>())
        {
            var messages = import.Messages.Where(m => m.Split == split).ToList();
            var path = Path.Combine(outDir, split.ToString().ToLowerInvariant() + ".jsonl");
            int examples = JsonlTaskFile.Write(path, import.ViewExamples(split, options));
            table.AddRow(split.ToString().ToLowerInvariant(), Markup.Escape(path),
                messages.Count(m => m.Label == SpamAssassinImporter.Ham).ToString(),
                messages.Count(m => m.Label == SpamAssassinImporter.Spam).ToString(),
                examples.ToString());
        }
        ui.Write(table);
        ui.MarkupLine(
            $"{import.FilesRead} files read, {import.Messages.Count} kept, {import.DuplicatesSkipped} duplicates " +
            $"({import.LabelConflicts} with conflicting labels) and {import.EmptySkipped} empty messages skipped.");
        return 0;
    }
}
