using System.CommandLine;

namespace EdgeBert.Cli.Parsing;

/// <summary>
/// Finds option words the chosen command does not have. System.CommandLine binds an unknown
/// <c>--word</c> to a command's text argument (so <c>classify --modle x.ebm hi</c> would classify
/// "--modle" as text); here every word before <c>--</c> that looks like an option (a dash and a
/// letter, or two dashes and more) must name one of the command's options. Texts that start with
/// a dash go after <c>--</c>; "-5" is not option-like and stays a text.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The error for the first unknown option in <paramref name="args"/>, or null when there is none.</summary>
    internal static string? Find(ParseResult parsed, IReadOnlyList<string> args)
    {
        var command = parsed.CommandResult.Command;
        var names = ValidNames(parsed);
        foreach (string arg in args)
        {
            if (arg == "--") break;
            if (!LooksLikeOption(arg)) continue;
            string name = NamePart(arg);
            if (names.Contains(name)) continue;
            string? closest = Closest(name, names);
            string hint = closest is null ? "" : $"; did you mean {closest}?";
            string texts = command.Arguments.Count > 0 ? "texts that start with '-' go after '--'; " : "";
            return $"unknown option '{name}'{hint} ({texts}see '{CommandName(parsed)} --help')";
        }
        return null;
    }

    /// <summary>"edgebert" and the chosen command's name, e.g. <c>edgebert classify</c>.</summary>
    internal static string CommandName(ParseResult parsed) =>
        parsed.CommandResult.Command is RootCommand ? "edgebert" : $"edgebert {parsed.CommandResult.Command.Name}";

    /// <summary>A dash and a letter (<c>-h</c>), or two dashes and anything (<c>--model</c>); not "-", "--" or "-5".</summary>
    internal static bool LooksLikeOption(string arg) =>
        arg.Length >= 2 && arg[0] == '-' && (char.IsAsciiLetter(arg[1]) || arg[1] == '?' || (arg[1] == '-' && arg.Length > 2));

    /// <summary>The option name of <c>--name=value</c> or <c>--name:value</c> (System.CommandLine accepts both).</summary>
    private static string NamePart(string arg)
    {
        int end = arg.AsSpan().IndexOfAny('=', ':');
        return end < 0 ? arg : arg[..end];
    }

    /// <summary>The chosen command's option names and aliases, with the recursive ones of its parents (--help).</summary>
    private static HashSet<string> ValidNames(ParseResult parsed)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool own = true;
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in result.Command.Options)
            {
                if (!own && !option.Recursive) continue;
                names.Add(option.Name);
                names.UnionWith(option.Aliases);
            }
            own = false;
        }
        return names;
    }

    /// <summary>The valid long name nearest to <paramref name="name"/> in edit distance, or null when none is near.</summary>
    internal static string? Closest(string name, IEnumerable<string> names)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in names.Where(n => n.StartsWith("--", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            int d = EditDistance(name, candidate);
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        // Further than half the word is no suggestion but noise.
        return bestDistance <= Math.Max(2, name.Length / 2) ? best : null;
    }

    /// <summary>Levenshtein distance (insert, delete, substitute; a swap of neighbours counts 1, as typos do).</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
