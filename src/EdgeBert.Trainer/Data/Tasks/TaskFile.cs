namespace EdgeBert.Trainer.Data.Tasks;

/// <summary>Reads a user's task file by its extension: <c>.jsonl</c> / <c>.json</c> as JSONL, <c>.tsv</c> as TSV.</summary>
public static class TaskFile
{
    /// <summary>Streams the examples of <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The extension is neither JSONL nor TSV.</exception>
    public static IEnumerable<LabeledExample> Read(string path, TsvOptions? tsvOptions = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".json" => JsonlTaskFile.Read(path),
            ".tsv" => TsvTaskReader.Read(path, tsvOptions),
            var ext => throw new ArgumentException(
                $"Cannot tell the format of '{path}' from its extension '{ext}'; use .jsonl or .tsv.", nameof(path)),
        };
    }
}
