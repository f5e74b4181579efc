using System.Diagnostics;
using EdgeBert.Encoder;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Bench;

/// <summary>One scheme's end-to-end latency: tokenize, encoder, pooler and classifier for one text.</summary>
internal readonly record struct EndToEndTiming(LinearScheme Scheme, double MedianMs, double MinMs, int Runs, long ModelBytes);

/// <summary>
/// Times <see cref="Session.Classify"/> on a random model of each scheme (BERT-base widths,
/// <c>layers</c> layers, one text of exactly <c>tokens</c> tokens). A smoke measurement for
/// comparing schemes and builds on one machine, not a recorded benchmark.
/// </summary>
internal static class EndToEndBench
{
    internal static EndToEndTiming Run(LinearScheme scheme, int layers, int tokens, int threads, TimeSpan budget, int hidden = 768, int heads = 12, int ffn = 3072,
        ForwardProfile? profile = null)
    {
        byte[] bytes = RandomBenchModel.Build(scheme, layers, Math.Max(tokens, 2), hidden, heads, ffn);
        using var model = Model.Load(bytes);
        var session = model.CreateSession(new SessionOptions { Threads = threads });
        string text = RandomBenchModel.Text(tokens);
        var first = session.Classify(text); // warm-up; also checks the text has the intended length
        if (first.TokenCount != tokens) throw new InvalidOperationException($"bench text has {first.TokenCount} tokens, expected {tokens}");
        session.Profile = profile;
        var samples = new List<double>();
        long end = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        do
        {
            long start = Stopwatch.GetTimestamp();
            session.Classify(text);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        while (Stopwatch.GetTimestamp() < end || samples.Count < 3);
        samples.Sort();
        return new EndToEndTiming(scheme, samples[samples.Count / 2], samples[0], samples.Count, bytes.LongLength);
    }
}
