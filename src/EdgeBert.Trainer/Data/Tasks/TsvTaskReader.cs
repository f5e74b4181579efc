namespace EdgeBert.Trainer.Data.Tasks;

/// <summary>
/// Reads GLUE-style TSV: fields separated by tabs with no quoting at all (a '"' is an ordinary
/// character, as in GLUE's own readers, which use <c>csv.reader(..., quotechar=None)</c>), an
/// optional header row, one example per line. Blank lines are skipped.
/// </summary>
public static class TsvTaskReader
{
    /// <summary>Streams the examples of a TSV file.</summary>
    /// <exception cref="DataFormatException">A named column is missing from the header, a row has too
    /// few fields, or a label is empty; the message names the file and line.</exception>
    public static IEnumerable<LabeledExample> Read(string path, TsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new TsvOptions();
        using var reader = File.OpenText(path);
        long lineNumber = 0;
        int text = -1, pair = -1, label = -1;
        if (!options.HasHeader)
        {
            text = IndexWithoutHeader(path, options.Text);
            pair = options.TextPair is { } p ? IndexWithoutHeader(path, p) : -1;
            label = IndexWithoutHeader(path, options.Label);
        }
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (options.HasHeader && lineNumber == 1)
            {
                var header = line.Split('\t');
                text = Resolve(path, header, options.Text);
                pair = options.TextPair is { } p ? Resolve(path, header, p) : -1;
                label = Resolve(path, header, options.Label);
                continue;
            }
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split('\t');
            int needed = Math.Max(Math.Max(text, pair), label) + 1;
            if (fields.Length < needed)
            {
                throw new DataFormatException(path, lineNumber,
                    $"expected at least {needed} tab-separated fields, found {fields.Length}");
            }
            var labelValue = fields[label].Trim();
            if (labelValue.Length == 0)
            {
                throw new DataFormatException(path, lineNumber, $"empty label in column {label}");
            }
            yield return new LabeledExample(fields[text], labelValue, pair >= 0 ? fields[pair] : null);
        }
        if (options.HasHeader && lineNumber == 0)
        {
            throw new DataFormatException(path, 1, "empty file: expected a header row");
        }
    }

    private static int Resolve(string path, string[] header, TsvColumn column)
    {
        if (column.Name is null)
        {
            return column.Index;
        }
        int index = Array.IndexOf(header, column.Name);
        if (index < 0)
        {
            throw new DataFormatException(path, 1,
                $"no column '{column.Name}' in the header; columns are: {string.Join(", ", header.Select(h => "'" + h + "'"))}");
        }
        return index;
    }

    private static int IndexWithoutHeader(string path, TsvColumn column) =>
        column.Name is null
            ? column.Index
            : throw new ArgumentException(
                $"Reading '{path}' without a header row, column {column} must be given by index.", nameof(column));
}
