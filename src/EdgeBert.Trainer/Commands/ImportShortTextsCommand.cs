using System.CommandLine;
using System.Globalization;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.ShortTexts;
using EdgeBert.Trainer.Data.Tasks;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train import-short-texts --data data/ --out data/short-ham.jsonl</c>: writes the
/// evaluation-only collection of short non-spam texts (see <see cref="ShortTextsImporter"/> and
/// docs/short-texts.md) as one JSONL file, every line labelled <c>ham</c> with its source as
/// <c>"view"</c>, for <c>edgebert eval --data</c>. Exit code 0 on success, 1 when the data is
/// missing or malformed or an option is invalid.
/// </summary>
public static class ImportShortTextsCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var defaults = new ShortTextsOptions();
        var data = CommandSupport.Option("--data", "Data directory from scripts/fetch-data.sh (reads sentiment/test/fixtures/{amazon,imdb,yelp}.json).", "data");
        var output = CommandSupport.Option("--out", "JSONL file to write (label ham, view = source).", Path.Combine("data", "short-ham.jsonl"));
        var maxWords = CommandSupport.Option("--max-words", "Longest text kept, in words.", defaults.MaxWords);
        var command = new Command("import-short-texts", "Build the evaluation-only collection of short non-spam texts (review sentences) as a JSONL file")
        {
            data, output, maxWords,
        };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                var options = new ShortTextsOptions { MaxWords = parse.GetValue(maxWords) };
                options.Validate();
                var sources = ShortTextsImporter.ReadSources(ShortTextsImporter.FixtureDirectory(parse.GetValue(data)!));
                var import = ShortTextsImporter.Select(sources, options);
                string path = parse.GetValue(output)!;
                JsonlTaskFile.Write(path, import.Examples);
                var ci = CultureInfo.InvariantCulture;
                var table = new Table().AddColumn("source");
                foreach (string column in new[] { "read", "kept", "empty", $"> {options.MaxWords} words", "repeats" })
                    table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
                foreach (var c in import.Counts)
                    table.AddRow(c.Source, c.Read.ToString(ci), c.Kept.ToString(ci), c.Empty.ToString(ci), c.TooLong.ToString(ci), c.Duplicates.ToString(ci));
                ui.Write(table);
                ui.MarkupLine(Markup.Escape($"{import.Examples.Count} short texts (label {ShortTextsImporter.Label}) written to {path}; evaluation only, never train or choose a model on them."));
                return Program.ExitOk;
            });
        });
        return command;
    }
}
