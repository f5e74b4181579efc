using System.CommandLine;

namespace EdgeBert.Cli.Parsing;

/// <summary>Range checks for numeric options, reported as command-line errors (exit 2) before anything runs.</summary>
internal static class OptionRange
{
    /// <summary>Makes <paramref name="option"/> an error outside <paramref name="min"/>..<paramref name="max"/>; returns the option.</summary>
    internal static Option<int> Within(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < min || value > max) result.AddError($"{option.Name} must be {min} to {max} (got {value})");
        });
        return option;
    }

    /// <summary>As <see cref="Within(Option{int}, int, int)"/> for an optional value (absent is fine).</summary>
    internal static Option<int?> Within(this Option<int?> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            int? value = result.GetValueOrDefault<int?>();
            if (value < min || value > max) result.AddError($"{option.Name} must be {min} to {max} (got {value})");
        });
        return option;
    }
}
