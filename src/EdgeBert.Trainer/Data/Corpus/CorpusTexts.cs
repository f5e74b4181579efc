using EdgeBert.Trainer.Data.Tasks;

namespace EdgeBert.Trainer.Data.Corpus;

/// <summary>
/// The texts of the corpus paths that <c>vocab</c> and <c>pretrain</c> take: plain-text files and
/// directories (through <see cref="TextCorpusReader"/>) and JSONL task files, whose labels are
/// ignored and whose <c>text</c> (and <c>text_pair</c>) fields are the texts. A JSONL file lets a
/// task's own training split serve as unlabelled, in-domain text (domain-adaptive pretraining);
/// pass only the train split, never dev or test.
/// </summary>
public static class CorpusTexts
{
    /// <summary>Streams the texts of every file that <paramref name="path"/> stands for, in
    /// <see cref="TextCorpusReader.ListFiles"/> order.</summary>
    /// <exception cref="FileNotFoundException">The path is neither a file nor a directory.</exception>
    /// <exception cref="DataFormatException">A JSONL line is malformed.</exception>
    public static IEnumerable<string> Read(string path, TextCorpusOptions? options = null)
    {
        options ??= new TextCorpusOptions();
        foreach (string file in TextCorpusReader.ListFiles(path, options.SearchPattern))
        {
            IEnumerable<string> texts = IsJsonl(file) ? JsonlTexts(file) : TextCorpusReader.Read(file, options);
            foreach (string text in texts)
            {
                yield return text;
            }
        }
    }

    /// <summary>Whether <paramref name="file"/> is read as a JSONL task file (by its extension).</summary>
    public static bool IsJsonl(string file) => file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> JsonlTexts(string file)
    {
        foreach (var example in JsonlTaskFile.Read(file))
        {
            yield return example.Text;
            if (example.TextPair is not null)
            {
                yield return example.TextPair;
            }
        }
    }
}
