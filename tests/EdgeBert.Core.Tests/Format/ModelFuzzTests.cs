using System.Diagnostics;
using System.Text.RegularExpressions;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Format;

/// <summary>
/// Structure-aware fuzzing of the whole load (issue 15): <see cref="ModelMutator"/> mutates the
/// header, metadata, vocabulary, tensor directory and data of runtime models of every scheme and
/// reseals the checksums; each mutant must either load and classify, or be refused with a
/// <see cref="ModelFormatException"/>: never another exception (a crash) nor a call that does not
/// return (a hang, <see cref="HangAfter"/>). A short run is part of the suite; the long run:
/// <c>EDGEBERT_MODEL_FUZZ_COUNT=100000 dotnet test tests/EdgeBert.Core.Tests -c Release --filter FullyQualifiedName~ModelFuzzTests</c>
/// (EDGEBERT_FUZZ_SEED picks the seed; a failing mutant is written to the test's work folder).
/// </summary>
public class ModelFuzzTests
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("EDGEBERT_FUZZ_SEED"), out int s) ? s : 2026;

    /// <summary>Mutants per run: 800 by default (seconds), EDGEBERT_MODEL_FUZZ_COUNT for a long run.</summary>
    private static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("EDGEBERT_MODEL_FUZZ_COUNT"), out int n) && n > 0 ? n : 800;

    /// <summary>A load and one classification of a model this small take milliseconds; this long is a hang.</summary>
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Overflowed: the load passed (all weights finite) but a huge finite weight (3.4e38 in a
    /// LayerNorm bias) drove the activations to infinity: the session refuses to answer with a
    /// <see cref="ModelOverflowException"/> naming the model and the step, counted apart.
    /// </summary>
    private enum Outcome { Ran, Refused, Overflowed, Crashed, Hung }

    private static byte[] BaseModel(LinearScheme scheme) =>
        RandomBert.Build(new RandomBertOptions { Layers = 2, Hidden = 16, Heads = 2, Ffn = 32, MaxPositions = 16, Scheme = scheme, Seed = 6 }).ToArray();

    private static (Outcome, string) Judge(byte[] bytes)
    {
        var run = Task.Run(() =>
        {
            try
            {
                using var model = RuntimeModel.Load(bytes, "fuzz.ebm");
                var session = model.CreateSession();
                try
                {
                    if (model.Labels.Count > 0) session.Classify("win a free prize now, naïve café");
                    session.Embed("win", new float[model.HiddenSize]);
                }
                catch (ModelOverflowException e) when (e.Message.StartsWith("fuzz.ebm: ", StringComparison.Ordinal))
                {
                    return (Outcome.Overflowed, e.Message);
                }
                return (Outcome.Ran, "");
            }
            catch (ModelFormatException e) when (e.Message.StartsWith("fuzz.ebm: ", StringComparison.Ordinal) && e.Where.Length > 0)
            {
                string reason = Regex.Replace(e.What, @"'[^']*'|0x[0-9A-F]+|-?\d+(\.\d+)?(E[+-]?\d+)?|\[[^\]]*\]", "#");
                return (Outcome.Refused, reason.Length > 70 ? reason[..70] : reason);
            }
            catch (Exception e)
            {
                return (Outcome.Crashed, e.ToString());
            }
        });
        return run.Wait(HangAfter) ? run.Result : (Outcome.Hung, $"no answer after {HangAfter.TotalSeconds} s");
    }

    [Test]
    public void Mutated_models_of_every_scheme_run_or_are_refused_cleanly()
    {
        var schemes = LinearSchemes.All.ToArray();
        var valid = schemes.Select(BaseModel).ToArray();
        var random = new Random(Seed);
        var tally = new Dictionary<Outcome, int>();
        var reasons = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Count; i++)
        {
            int which = i % valid.Length;
            var (bytes, what) = ModelMutator.Mutate(valid[which], random);
            var (outcome, detail) = Judge(bytes);
            tally[outcome] = tally.GetValueOrDefault(outcome) + 1;
            if (outcome == Outcome.Refused) reasons[detail] = reasons.GetValueOrDefault(detail) + 1;
            if (outcome is Outcome.Crashed or Outcome.Hung)
            {
                string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"fuzz-{Seed}-{i}.ebm");
                File.WriteAllBytes(path, bytes);
                Assert.Fail($"mutant {i} (seed {Seed}, {schemes[which]}): {what}: {outcome}: {detail} (saved to {path})");
            }
        }
        clock.Stop();
        TestContext.Out.WriteLine($"{Count} mutants (seed {Seed}) in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", tally.OrderBy(t => t.Key).Select(t => $"{t.Value} {t.Key.ToString().ToLowerInvariant()}")));
        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value)) TestContext.Out.WriteLine($"{count,8}  {reason}");
        Assert.That(tally.GetValueOrDefault(Outcome.Refused), Is.GreaterThan(Count / 2), "most mutants are defects the checks must catch");
        Assert.That(tally.GetValueOrDefault(Outcome.Ran), Is.GreaterThan(0), "some mutants are harmless (a weight changed) and must run");
        Assert.That(reasons, Has.Count.GreaterThan(40), "the mutants must reach many different checks, not only a few");
    }
}
