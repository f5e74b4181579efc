namespace EdgeBert.TestRunner;

/// <summary>The runner's command line: which tests to run and where to report.</summary>
internal sealed class RunnerOptions
{
    /// <summary>NUnit categories to run (any of them).</summary>
    public List<string> Categories { get; } = [];

    /// <summary>Namespaces whose tests run too (any of them, nested namespaces included).</summary>
    public List<string> Namespaces { get; } = [];

    /// <summary>A regular expression on test full names to run too.</summary>
    public string? NamePattern { get; private set; }

    /// <summary>File that receives "PASSED FAILED" (scripts/test.sh's count-file format).</summary>
    public string? CountsFile { get; private set; }

    /// <summary>
    /// A kernel family (e.g. AdvSimd) that must be exercised: tests naming it are counted and
    /// reported, and one of them skipped (rather than run) counts as a failure.
    /// </summary>
    public string? RequiredIsa { get; private set; }

    /// <summary>NUnit worker threads; null leaves NUnit's default.</summary>
    public int? Workers { get; private set; }

    /// <summary>How many of the slowest fixtures to list after the run (0: none).</summary>
    public int Slowest { get; private set; }

    /// <summary>How many times the selected tests run (one process, one load).</summary>
    public int Repeat { get; private set; } = 1;

    /// <summary>Usage text printed for --help and for a bad command line.</summary>
    public const string Usage =
        "usage: edgebert-test-runner [--category NAME]... [--namespace NS]... [--name-regex RE]\n" +
        "                            [--require-isa ISA] [--workers N] [--repeat N] [--slowest N]\n" +
        "                            [--counts FILE]\n" +
        "Runs the EdgeBert.Core.Tests tests selected by any of the filters (all tests when none is given).";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunnerOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--category": options.Categories.Add(Value()); break;
                case "--namespace": options.Namespaces.Add(Value()); break;
                case "--name-regex": options.NamePattern = Value(); break;
                case "--counts": options.CountsFile = Value(); break;
                case "--require-isa": options.RequiredIsa = Value(); break;
                case "--workers": options.Workers = PositiveOrZero(args[i], Value()); break;
                case "--slowest": options.Slowest = PositiveOrZero(args[i], Value()); break;
                case "--repeat": options.Repeat = Math.Max(1, PositiveOrZero(args[i], Value())); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return options;
    }

    private static int PositiveOrZero(string name, string text) =>
        int.TryParse(text, out int value) && value >= 0 ? value : throw new ArgumentException($"{name} needs a whole number >= 0, not '{text}'");
}
