using EdgeBert.Cli.Bench;
using EdgeBert.Encoder;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Tests.Bench;

public class EndToEndBenchTests
{
    [TestCase(2)]
    [TestCase(5)]
    [TestCase(64)]
    public void TheBenchTextHasExactlyTheRequestedTokens(int tokens)
    {
        using var model = Model.Load(RandomBenchModel.Build(LinearScheme.Fp32, 1, 64, hidden: 16, heads: 2, ffn: 32));
        var ids = new int[64];
        int count = model.CreateSession().Tokenize(RandomBenchModel.Text(tokens), ids, new int[64], out bool truncated);
        Assert.That((count, truncated), Is.EqualTo((tokens, false)), $"tokens {tokens}");
        Assert.That(ids.AsSpan(1, count - 2).ToArray(), Has.None.EqualTo(model.Vocabulary.UnknownId));
    }

    [Test]
    public void EverySchemeLoadsAndTimesWithItsOwnLayerScheme()
    {
        foreach (var scheme in LinearSchemes.All)
        {
            using (var model = Model.Load(RandomBenchModel.Build(scheme, 2, 8, hidden: 16, heads: 2, ffn: 32)))
            {
                Assert.That(model.Schemes, Is.All.EqualTo(scheme), $"{scheme}");
            }
            var timing = EndToEndBench.Run(scheme, layers: 1, tokens: 6, threads: 1, TimeSpan.FromMilliseconds(1), hidden: 16, heads: 2, ffn: 32);
            Assert.That(timing.Runs, Is.GreaterThanOrEqualTo(3), $"{scheme}");
            Assert.That(timing.MinMs, Is.GreaterThan(0).And.LessThanOrEqualTo(timing.MedianMs), $"{scheme}");
        }
    }
}
