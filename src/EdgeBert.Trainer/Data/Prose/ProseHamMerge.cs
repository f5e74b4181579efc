using System.Text;
using EdgeBert.Trainer.Data.Tasks;

namespace EdgeBert.Trainer.Data.Prose;

/// <summary>Lines in each file <see cref="ProseHamMerge.Write"/> wrote.</summary>
/// <param name="ProseTrain">Lines of <c>prose-train.jsonl</c>.</param>
/// <param name="ProseDev">Lines of <c>prose-dev.jsonl</c>.</param>
/// <param name="Train">Lines of the merged <c>train.jsonl</c> (0 without a merge directory).</param>
/// <param name="Dev">Lines of the merged <c>dev.jsonl</c> (0 without a merge directory).</param>
/// <param name="Test">Lines of the copied <c>test.jsonl</c> (0 without a merge directory).</param>
public sealed record ProseMergeCounts(int ProseTrain, int ProseDev, int Train, int Dev, int Test);

/// <summary>
/// Writes the prose snippets (<c>prose-train.jsonl</c>, <c>prose-dev.jsonl</c>) and, given the
/// directory of an <c>import-spam</c> run, the merged task: <c>train.jsonl</c> = its train lines
/// and the prose train lines in a seeded random order, <c>dev.jsonl</c> likewise, <c>test.jsonl</c>
/// copied byte for byte (the test set stays mail only, comparable with earlier runs). The task's
/// lines are copied as they are (any field kept), after checking that each parses and that the task
/// labels non-spam <see cref="ProseHamImporter.Label"/>.
/// </summary>
public static class ProseHamMerge
{
    /// <summary>The split files of a task directory.</summary>
    public static IReadOnlyList<string> SplitFiles { get; } = ["train.jsonl", "dev.jsonl", "test.jsonl"];

    /// <summary>Writes the files into <paramref name="outputDirectory"/> (created); see the class summary.</summary>
    /// <exception cref="ArgumentException">The output directory is the merge directory.</exception>
    /// <exception cref="FileNotFoundException">A split file of the merge directory is missing.</exception>
    /// <exception cref="DataFormatException">A line of the task does not parse, or its labels lack <c>ham</c>.</exception>
    public static ProseMergeCounts Write(ProseHamImport import, string outputDirectory, string? mergeDirectory, int seed)
    {
        ArgumentNullException.ThrowIfNull(import);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (mergeDirectory is not null)
        {
            if (SamePath(mergeDirectory, outputDirectory))
                throw new ArgumentException($"--out {outputDirectory} is the --merge-with directory; write the merged task elsewhere so the import-spam files stay as they are.");
            RequireSplitFiles(mergeDirectory, "--merge-with");
            foreach (string file in SplitFiles) CheckLabels(Path.Combine(mergeDirectory, file));
        }
        Directory.CreateDirectory(outputDirectory);
        string proseTrain = Path.Combine(outputDirectory, "prose-train.jsonl");
        string proseDev = Path.Combine(outputDirectory, "prose-dev.jsonl");
        int trainCount = JsonlTaskFile.Write(proseTrain, import.Train.Select(s => s.ToExample()));
        int devCount = JsonlTaskFile.Write(proseDev, import.Dev.Select(s => s.ToExample()));
        if (mergeDirectory is null) return new ProseMergeCounts(trainCount, devCount, 0, 0, 0);
        int train = MergeLines(Path.Combine(mergeDirectory, "train.jsonl"), proseTrain, Path.Combine(outputDirectory, "train.jsonl"), seed, "train");
        int dev = MergeLines(Path.Combine(mergeDirectory, "dev.jsonl"), proseDev, Path.Combine(outputDirectory, "dev.jsonl"), seed, "dev");
        string test = Path.Combine(outputDirectory, "test.jsonl");
        File.Copy(Path.Combine(mergeDirectory, "test.jsonl"), test, overwrite: true);
        return new ProseMergeCounts(trainCount, devCount, train, dev, Lines(test).Count);
    }

    /// <summary>Throws when <paramref name="directory"/> lacks one of <see cref="SplitFiles"/>; the message names <paramref name="option"/>.</summary>
    /// <exception cref="FileNotFoundException">A split file is missing.</exception>
    internal static void RequireSplitFiles(string directory, string option)
    {
        foreach (string file in SplitFiles)
        {
            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path}: missing; {option} needs a task directory with train.jsonl, dev.jsonl and test.jsonl (edgebert-train import-spam).", path);
        }
    }

    private static void CheckLabels(string path)
    {
        var labels = JsonlTaskFile.Read(path).Select(e => e.Label).ToHashSet(StringComparer.Ordinal);
        if (labels.Count > 0 && !labels.Contains(ProseHamImporter.Label))
            throw new DataFormatException(path, 1, $"its labels ({string.Join(", ", labels.Order(StringComparer.Ordinal))}) have no '{ProseHamImporter.Label}'; prose snippets would add a new class.");
    }

    /// <summary>
    /// Writes <paramref name="outputPath"/>: the non-blank lines of <paramref name="taskPath"/> and of
    /// <paramref name="extraPath"/>, unchanged, in an order shuffled with a generator seeded by
    /// <paramref name="seed"/> and <paramref name="split"/>; returns the number of lines.
    /// </summary>
    public static int MergeLines(string taskPath, string extraPath, string outputPath, int seed, string split)
    {
        var lines = Lines(taskPath).Concat(Lines(extraPath)).ToArray();
        new Random(ProseHamImporter.DerivedSeed(seed, "merge|" + split)).Shuffle(lines);
        var text = new StringBuilder();
        foreach (string line in lines) text.Append(line).Append('\n');
        File.WriteAllText(outputPath, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return lines.Length;
    }

    private static List<string> Lines(string path) => File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();

    /// <summary>Whether two paths name the same directory (full paths, trailing separators ignored).</summary>
    internal static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
