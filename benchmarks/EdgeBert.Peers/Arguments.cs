using System.Globalization;

namespace EdgeBert.Peers;

/// <summary>Thrown for bad command-line input; the message is shown to the user.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The <c>--name value</c> options of one command; every option must be read, unknown ones are errors.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>: pairs of <c>--name value</c>.</summary>
    /// <exception cref="UsageException">An argument is not an option, an option lacks its value, or one is repeated.</exception>
    internal Arguments(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"expected an option (--name value), got '{name}'");
            if (!e.MoveNext()) throw new UsageException($"option {name} needs a value");
            if (!_values.TryAdd(name, e.Current)) throw new UsageException($"option {name} is given twice");
        }
    }

    /// <summary>The text of option <paramref name="name"/>, or <paramref name="fallback"/>; no fallback makes it required.</summary>
    internal string Text(string name, string? fallback = null)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : fallback ?? throw new UsageException($"option {name} is required");
    }

    /// <summary>An optional text option (null when absent).</summary>
    internal string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    /// <summary>A positive integer option.</summary>
    internal int Positive(string name, int fallback) => Parse(name, Text(name, fallback.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A comma-separated list option.</summary>
    internal string[] List(string name, string fallback) =>
        Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } items
            ? items
            : throw new UsageException($"option {name} needs at least one item");

    /// <summary>A comma-separated list of positive integers.</summary>
    internal int[] PositiveList(string name, string fallback) => List(name, fallback).Select(item => Parse(name, item)).ToArray();

    /// <summary>Fails on options that no read asked for (typos).</summary>
    internal void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new UsageException($"unknown option(s) {string.Join(", ", unknown)}");
    }

    private static int Parse(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new UsageException($"option {name} must be a positive integer (got '{text}')");
}
