using System.Text.Json;

namespace EdgeBert.Trainer.Data.ShortTexts;

/// <summary>
/// Builds the evaluation-only collection of short non-spam texts (docs/short-texts.md): the
/// sentences of the UCI "Sentiment Labelled Sentences" data set (Kotzias et al., KDD 2015) as the
/// npm package <c>sentiment</c> ships them (<c>test/fixtures/{amazon,imdb,yelp}.json</c>, fetched
/// by scripts/fetch-data.sh into <c>data/sentiment/</c>): single sentences that people wrote in
/// product reviews (Amazon), film reviews (IMDb) and restaurant reviews (Yelp). None is spam by
/// construction (each is one sentence of a review, picked by the data set's authors for a clear
/// sentiment), none is in the SpamAssassin corpus the models learn from, and the sentiment label
/// is dropped: every text is labelled <c>ham</c>, its source is its <c>"view"</c>. White space is
/// normalised; texts longer than <see cref="ShortTextsOptions.MaxWords"/> words and repeats
/// (ignoring case, across sources) are left out. Never train or choose a model on this collection.
/// </summary>
public static class ShortTextsImporter
{
    /// <summary>The label of every text.</summary>
    public const string Label = "ham";

    /// <summary>The sources, in the order they are read: names of the fixture files without <c>.json</c>.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["amazon", "imdb", "yelp"];

    /// <summary>Where the fixtures lie under the data directory of scripts/fetch-data.sh.</summary>
    public static string FixtureDirectory(string dataDirectory) => Path.Combine(dataDirectory, "sentiment", "test", "fixtures");

    /// <summary>The texts of every source under <paramref name="fixtureDirectory"/>, in <see cref="Sources"/> order.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory or a source file is missing.</exception>
    /// <exception cref="DataFormatException">A source file is not a JSON array of objects with a string <c>"text"</c>.</exception>
    public static IReadOnlyList<(string Source, IReadOnlyList<string> Texts)> ReadSources(string fixtureDirectory)
    {
        ArgumentNullException.ThrowIfNull(fixtureDirectory);
        if (!Directory.Exists(fixtureDirectory))
            throw new DirectoryNotFoundException($"{fixtureDirectory}: no short-text data here; run scripts/fetch-data.sh (it unpacks data/sentiment/).");
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (string source in Sources)
        {
            string path = Path.Combine(fixtureDirectory, source + ".json");
            if (!File.Exists(path)) throw new DirectoryNotFoundException($"{path}: missing; run scripts/fetch-data.sh.");
            result.Add((source, ReadTexts(path)));
        }
        return result;
    }

    /// <summary>The <c>"text"</c> of every item of one fixture file: a JSON array of objects (other members are ignored).</summary>
    /// <exception cref="DataFormatException">The file is not such an array; the message names the file, the line and the item.</exception>
    public static IReadOnlyList<string> ReadTexts(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.LineNumber is { } line ? line + 1 : 1, $"not a JSON array of {{\"text\": ...}} objects: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
                throw new DataFormatException(path, 1, $"expected a JSON array of {{\"text\": ...}} objects, found {root.ValueKind}");
            var texts = new List<string>(root.GetArrayLength());
            int item = 0;
            foreach (var element in root.EnumerateArray())
            {
                item++;
                if (element.ValueKind != JsonValueKind.Object)
                    throw new DataFormatException(path, 1, $"item {item}: expected an object, found {element.ValueKind}");
                if (!element.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    throw new DataFormatException(path, 1, $"item {item}: \"text\" must be a string");
                texts.Add(text.GetString()!);
            }
            return texts;
        }
    }

    /// <summary>Applies the selection rules to the sources' texts (see the class summary).</summary>
    public static ShortTextsImport Select(IEnumerable<(string Source, IReadOnlyList<string> Texts)> sources, ShortTextsOptions options)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var examples = new List<LabeledExample>();
        var counts = new List<ShortTextsSourceCount>();
        foreach ((string source, IReadOnlyList<string> texts) in sources)
        {
            int kept = 0, empty = 0, tooLong = 0, duplicates = 0;
            foreach (string raw in texts)
            {
                string text = TextNormalizer.Normalize(raw);
                if (text.Length == 0) empty++;
                else if (WordCount(text) > options.MaxWords) tooLong++;
                else if (!seen.Add(text)) duplicates++;
                else
                {
                    examples.Add(new LabeledExample(text, Label) { View = source });
                    kept++;
                }
            }
            counts.Add(new ShortTextsSourceCount(source, texts.Count, kept, empty, tooLong, duplicates));
        }
        return new ShortTextsImport(examples, counts);
    }

    private static int WordCount(string normalized) => normalized.Count(c => c == ' ') + 1;
}
