using NUnit.Framework.Interfaces;

namespace EdgeBert.TestRunner;

/// <summary>
/// Listens to an NUnit run: prints each failure with its message and stack, and counts passed,
/// failed and skipped test cases, and the passed ones that name the required kernel family.
/// </summary>
internal sealed class ResultTally(TextWriter log, string? requiredIsa) : ITestListener
{
    private readonly Dictionary<string, int> _skipReasons = new(StringComparer.Ordinal);
    private readonly List<(string Fixture, double Seconds)> _fixtureTimes = [];

    /// <summary>Test cases that passed.</summary>
    public int Passed { get; private set; }

    /// <summary>Test cases that failed or errored, plus required-family cases that were skipped.</summary>
    public int Failed { get; private set; }

    /// <summary>Test cases skipped (ignored or inconclusive) for a reason other than the required family.</summary>
    public int Skipped { get; private set; }

    /// <summary>Passed test cases whose full name names the required family.</summary>
    public int RequiredIsaPassed { get; private set; }

    /// <inheritdoc />
    public void TestStarted(ITest test) { }

    /// <inheritdoc />
    public void TestFinished(ITestResult result)
    {
        if (result.Test.IsSuite)
        {
            if (result.Test.TestType == "TestFixture") _fixtureTimes.Add((result.FullName, result.Duration));
            // A fixture whose set-up fails reports its cases as failed one by one; only report here
            // what would otherwise be lost (a failure in a one-time tear-down).
            if (result.ResultState.Site == FailureSite.TearDown) Fail(result, "tear-down");
            return;
        }
        bool namesIsa = requiredIsa is not null && result.FullName.Contains(requiredIsa, StringComparison.Ordinal);
        switch (result.ResultState.Status)
        {
            case TestStatus.Passed:
                Passed++;
                if (namesIsa) RequiredIsaPassed++;
                break;
            case TestStatus.Failed:
                Fail(result, "failed");
                break;
            default:
                if (namesIsa)
                {
                    Fail(result, $"not run although it names {requiredIsa}, which must run here");
                    break;
                }
                Skipped++;
                string reason = result.Message ?? result.ResultState.ToString();
                _skipReasons[reason] = _skipReasons.GetValueOrDefault(reason) + 1;
                break;
        }
    }

    /// <inheritdoc />
    public void TestOutput(TestOutput output) { }

    /// <inheritdoc />
    public void SendMessage(TestMessage message) { }

    /// <summary>Writes the skip reasons with their counts.</summary>
    public void WriteSkipSummary()
    {
        foreach (var (reason, count) in _skipReasons.OrderByDescending(r => r.Value))
        {
            log.WriteLine($"  skipped {count,4}: {reason}");
        }
    }

    /// <summary>Writes the <paramref name="count"/> slowest fixtures (to choose what an emulated run can afford).</summary>
    public void WriteSlowestFixtures(int count)
    {
        foreach (var (fixture, seconds) in _fixtureTimes.OrderByDescending(f => f.Seconds).Take(count))
        {
            log.WriteLine($"  {seconds,7:F1} s  {fixture}");
        }
    }

    private void Fail(ITestResult result, string what)
    {
        Failed++;
        log.WriteLine($"FAIL {result.FullName} ({what})");
        if (!string.IsNullOrEmpty(result.Message)) log.WriteLine($"  {result.Message.Trim()}");
        if (!string.IsNullOrEmpty(result.StackTrace)) log.WriteLine(result.StackTrace.TrimEnd());
    }
}
