namespace EdgeBert.Trainer.Tests.Data.Prose;

/// <summary>Small prose corpora written into a temp directory: every sentence distinct, 7–14 words.</summary>
internal static class ProseFixtures
{
    /// <summary>Sentence <paramref name="s"/> of paragraph <paramref name="p"/> of document <paramref name="d"/>.</summary>
    public static string Sentence(string name, int d, int p, int s) =>
        $"The {name} document {d} paragraph {p} sentence {s}" + string.Concat(Enumerable.Repeat(" word", (s + d) % 8)) + ".";

    /// <summary>Writes <paramref name="documents"/> chapter files under <c>{name}/data</c>; returns the corpus directory.</summary>
    public static string WriteCorpus(TempDirectory dir, string name, int documents, int paragraphs = 3, int sentences = 10)
    {
        for (int d = 0; d < documents; d++)
        {
            var text = new System.Text.StringBuilder($"CHAPTER {d + 1}. The Title.\n\n");
            for (int p = 0; p < paragraphs; p++)
            {
                // Lines wrapped mid-sentence, as in the Gutenberg texts.
                string paragraph = string.Join(' ', Enumerable.Range(0, sentences).Select(s => Sentence(name, d, p, s)));
                text.Append(paragraph.Replace(" paragraph ", "\nparagraph ", StringComparison.Ordinal)).Append("\n\n");
            }
            dir.Write($"{name}/data/chapter_{d}.txt", text.ToString());
        }
        return Path.Combine(dir.Path, name, "data");
    }
}
