using System.CommandLine;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Sotu;
using EdgeBert.Trainer.Data.Tasks;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train import-sotu --data data/ --out data/sotu-party/</c>: builds the second
/// evaluation task, <c>sotu-party</c> (Democratic vs Republican State of the Union passages; see
/// <see cref="SotuPartyImporter"/>), as train/dev/test JSONL files. Exit code 0 on success, 1 when
/// the corpus is missing or malformed or an option is invalid.
/// </summary>
public static class ImportSotuCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var defaults = new SotuPartyOptions();
        var data = CommandSupport.Option("--data", "Data directory from scripts/fetch-data.sh (reads stdlib/sotu/data/*.json).", "data");
        var output = CommandSupport.Option("--out", "Output directory for train.jsonl, dev.jsonl and test.jsonl.", Path.Combine("data", "sotu-party"));
        var words = CommandSupport.Option("--passage-words", "Words per passage (whole sentences; a passage ends at the first sentence end after this many).", defaults.PassageWords);
        var max = CommandSupport.Option("--max-passages", "Most passages per address, spread evenly over it (0: all).", defaults.MaxPassagesPerAddress);
        var dev = CommandSupport.Option("--dev", "Fraction of addresses for the dev split.", defaults.DevFraction);
        var test = CommandSupport.Option("--test", "Fraction of addresses for the test split.", defaults.TestFraction);
        var command = new Command("import-sotu", "Build the sotu-party task (Democratic vs Republican State of the Union passages) as JSONL files")
        {
            data, output, words, max, dev, test,
        };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            try
            {
                var options = new SotuPartyOptions
                {
                    PassageWords = parse.GetValue(words),
                    MaxPassagesPerAddress = parse.GetValue(max),
                    DevFraction = parse.GetValue(dev),
                    TestFraction = parse.GetValue(test),
                };
                options.Validate();
                string source = Path.Combine(parse.GetValue(data)!, "stdlib", "sotu", "data");
                var addresses = SotuPartyImporter.ReadAddresses(source);
                var passages = SotuPartyImporter.Import(addresses, options);
                var table = new Table().AddColumn("split").AddColumn("file").AddColumn(new TableColumn("addresses").RightAligned());
                foreach (string label in SotuPartyImporter.Labels) table.AddColumn(new TableColumn(label).RightAligned());
                foreach (DataSplit split in Enum.GetValues<DataSplit>())
                {
                    var part = passages.Where(p => p.Split == split).ToList();
                    string path = Path.Combine(parse.GetValue(output)!, split.ToString().ToLowerInvariant() + ".jsonl");
                    JsonlTaskFile.Write(path, part.Select(p => p.Example));
                    table.AddRow([split.ToString().ToLowerInvariant(), Markup.Escape(path), part.Select(p => p.Address).Distinct().Count().ToString(),
                        .. SotuPartyImporter.Labels.Select(l => part.Count(p => p.Example.Label == l).ToString())]);
                }
                ui.Write(table);
                ui.MarkupLine(Markup.Escape($"{addresses.Count} addresses read, {passages.Select(p => p.Address).Distinct().Count()} Democratic or Republican, {passages.Count} passages."));
                return 0;
            }
            catch (Exception e) when (e is DirectoryNotFoundException or ArgumentException or IOException or DataFormatException)
            {
                ui.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return 1;
            }
        });
        return command;
    }
}
