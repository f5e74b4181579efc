using System.Globalization;

namespace EdgeBert.Trainer.Data.Tasks;

/// <summary>A TSV column, chosen by header name or by 0-based index.</summary>
public readonly record struct TsvColumn
{
    private TsvColumn(string? name, int index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>The header name, or null for a column chosen by index.</summary>
    public string? Name { get; }

    /// <summary>The 0-based index (meaningful when <see cref="Name"/> is null).</summary>
    public int Index { get; }

    /// <summary>The column whose header cell is <paramref name="name"/> (exact, case-sensitive).</summary>
    public static TsvColumn ByName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new TsvColumn(name, -1);
    }

    /// <summary>The column at 0-based <paramref name="index"/>.</summary>
    public static TsvColumn ByIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new TsvColumn(null, index);
    }

    /// <summary>A command-line spelling: a non-negative integer is an index, anything else a name.</summary>
    public static TsvColumn Parse(string spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        return int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? ByIndex(index)
            : ByName(spec);
    }

    /// <inheritdoc/>
    public override string ToString() => Name is null ? $"#{Index}" : $"'{Name}'";
}
