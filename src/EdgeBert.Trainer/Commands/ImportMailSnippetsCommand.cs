using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeBert.Trainer.Data.Prose;
using EdgeBert.Trainer.Data.Tasks;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train import-mail-snippets --task data/spam-prose --out data/spam-snippets</c>:
/// adds short snippets of each training mail's body, with the mail's label, to the train split of
/// a task (issue 16; see <see cref="MailSnippets"/>); dev and test are copied unchanged. Exit code
/// 0 on success, 1 when the task is missing or unreadable, or an option is invalid.
/// </summary>
public static class ImportMailSnippetsCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var defaults = new ProseHamOptions();
        var task = new Option<string>("--task") { Description = "Directory of a task's train/dev/test.jsonl (import-spam or import-prose-ham --merge-with)", Required = true };
        var output = CommandSupport.Option("--out", "Output directory (snippet-train.jsonl and the merged train/dev/test.jsonl).", Path.Combine("data", "spam-snippets"));
        var perMail = CommandSupport.Option("--per-mail", "Snippets cut from each training mail, at most.", 2);
        var minWords = CommandSupport.Option("--min-words", "Shortest snippet, in words.", defaults.MinWords);
        var maxWords = CommandSupport.Option("--max-words", "Longest snippet, in words.", defaults.MaxWords);
        var seed = CommandSupport.Option("--seed", "Seed of the snippet lengths, the choice per mail and the shuffle.", defaults.Seed);
        var examples = CommandSupport.Option("--examples", "Snippets printed per label.", 3);
        var labels = new Option<string?>("--labels") { Description = "Cut only the mails with these labels, comma-separated (e.g. ham); default: every mail." };
        var command = new Command("import-mail-snippets", "Add short snippets of every training mail's body, with the mail's label, to a task's train split")
        {
            task, output, perMail, minWords, maxWords, seed, examples, labels,
        };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                var options = new ProseHamOptions { MinWords = parse.GetValue(minWords), MaxWords = parse.GetValue(maxWords), Seed = parse.GetValue(seed) };
                int shown = parse.GetValue(examples);
                if (shown < 0) throw new ArgumentException($"--examples must not be negative (got {shown}).");
                string taskDir = parse.GetValue(task)!, outDir = parse.GetValue(output)!;
                if (ProseHamMerge.SamePath(taskDir, outDir))
                    throw new ArgumentException($"--out {outDir} is the --task directory; write the new task elsewhere so the task's files stay as they are.");
                ProseHamMerge.RequireSplitFiles(taskDir, "--task");
                var clock = Stopwatch.StartNew();
                ui.MarkupLine(Markup.Escape($"cutting snippets of the whole mails in {Path.Combine(taskDir, "train.jsonl")} ..."));
                string? labelList = parse.GetValue(labels);
                IReadOnlySet<string>? only = labelList is null
                    ? null
                    : labelList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                var snippets = MailSnippets.Cut(JsonlTaskFile.Read(Path.Combine(taskDir, "train.jsonl")), parse.GetValue(perMail), options, only);
                string snippetPath = Path.Combine(outDir, "snippet-train.jsonl");
                JsonlTaskFile.Write(snippetPath, snippets);
                int train = ProseHamMerge.MergeLines(Path.Combine(taskDir, "train.jsonl"), snippetPath, Path.Combine(outDir, "train.jsonl"), options.Seed, "snippets");
                foreach (string file in new[] { "dev.jsonl", "test.jsonl" })
                    File.Copy(Path.Combine(taskDir, file), Path.Combine(outDir, file), overwrite: true);
                var ci = CultureInfo.InvariantCulture;
                foreach (var group in snippets.GroupBy(s => s.Label).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    ui.MarkupLine(Markup.Escape($"{group.Key}: {group.Count().ToString(ci)} snippets"));
                    foreach (var example in group.Take(shown)) ui.MarkupLine(Markup.Escape("  " + example.Text));
                }
                ui.MarkupLine(Markup.Escape($"wrote {snippets.Count} snippets (view {MailSnippets.View}) to {snippetPath}; train.jsonl {train} lines, dev.jsonl and test.jsonl copied, in {clock.Elapsed.TotalSeconds:F1} s."));
                return Program.ExitOk;
            });
        });
        return command;
    }
}
