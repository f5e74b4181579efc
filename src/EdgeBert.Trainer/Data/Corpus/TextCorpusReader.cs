using System.Text;

namespace EdgeBert.Trainer.Data.Corpus;

/// <summary>
/// Streams a plain-text corpus (for masked-LM pre-training and vocabulary training) as units of text:
/// lines or paragraphs, white space normalised, optionally chunked. A path may be a file or a
/// directory; a directory is read file by file in ordinal name order (e.g.
/// <c>data/stdlib/sotu/data/</c>), so the stream is the same on every machine. Note that
/// <c>data/stdlib/moby-dick/data/</c> holds the book twice (per chapter, and whole in <c>data.txt</c>):
/// read <c>data.txt</c> alone.
/// </summary>
public static class TextCorpusReader
{
    /// <summary>The files <paramref name="path"/> stands for: itself, or a directory's matching files sorted.</summary>
    /// <exception cref="FileNotFoundException">The path is neither a file nor a directory.</exception>
    public static IReadOnlyList<string> ListFiles(string path, string searchPattern = "*.txt")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            return [path];
        }
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path, searchPattern, SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal).ToList();
        }
        throw new FileNotFoundException($"Corpus path '{path}' is neither a file nor a directory.", path);
    }

    /// <summary>Streams the units of every file under <paramref name="path"/>.</summary>
    public static IEnumerable<string> Read(string path, TextCorpusOptions? options = null)
    {
        options ??= new TextCorpusOptions();
        foreach (var file in ListFiles(path, options.SearchPattern))
        {
            using var reader = File.OpenText(file);
            foreach (var unit in Read(reader, options))
            {
                yield return unit;
            }
        }
    }

    /// <summary>Streams the units of one text.</summary>
    public static IEnumerable<string> Read(TextReader reader, TextCorpusOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new TextCorpusOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxChars);
        var paragraph = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            bool blank = string.IsNullOrWhiteSpace(line);
            if (options.Unit == CorpusUnit.Line)
            {
                if (!blank)
                {
                    foreach (var chunk in Chunk(TextNormalizer.Normalize(line), options.MaxChars))
                    {
                        yield return chunk;
                    }
                }
                continue;
            }
            if (!blank)
            {
                paragraph.Append(line).Append(' ');
                continue;
            }
            foreach (var chunk in Flush(paragraph, options.MaxChars))
            {
                yield return chunk;
            }
        }
        foreach (var chunk in Flush(paragraph, options.MaxChars))
        {
            yield return chunk;
        }
    }

    private static IEnumerable<string> Flush(StringBuilder paragraph, int maxChars)
    {
        if (paragraph.Length == 0)
        {
            return [];
        }
        var text = TextNormalizer.Normalize(paragraph.ToString());
        paragraph.Clear();
        return text.Length == 0 ? [] : Chunk(text, maxChars);
    }

    /// <summary>
    /// Cuts a normalised text into chunks of at most <paramref name="maxChars"/> (0: no cut): after the
    /// last sentence end (". ", "! ", "? ") in the second half of the window, else at the last space
    /// there, else hard at the limit.
    /// </summary>
    internal static IEnumerable<string> Chunk(string text, int maxChars)
    {
        if (maxChars <= 0 || text.Length <= maxChars)
        {
            yield return text;
            yield break;
        }
        int start = 0;
        while (text.Length - start > maxChars)
        {
            int cut = FindCut(text, start, maxChars);
            var chunk = text[start..cut].Trim();
            if (chunk.Length > 0)
            {
                yield return chunk;
            }
            start = cut;
        }
        var last = text[start..].Trim();
        if (last.Length > 0)
        {
            yield return last;
        }
    }

    private static int FindCut(string text, int start, int maxChars)
    {
        int limit = start + maxChars;
        int half = start + maxChars / 2;
        for (int i = limit - 1; i > half; i--)
        {
            if (text[i] == ' ' && text[i - 1] is '.' or '!' or '?')
            {
                return i + 1;
            }
        }
        int space = text.LastIndexOf(' ', limit - 1, limit - half);
        if (space > half)
        {
            return space + 1;
        }
        return char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;
    }
}
