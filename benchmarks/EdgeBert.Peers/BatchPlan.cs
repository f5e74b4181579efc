namespace EdgeBert.Peers;

/// <summary>
/// How a peer runs the mixed-length batch: the calls it makes, each a group of texts padded to the
/// group's longest (with an attention mask). Mirrored by BATCH_STRATEGIES in
/// benchmarks/peers/bert_torch_bench.py, so that both peers are timed on the same plans.
/// </summary>
/// <param name="Strategy">Short name.</param>
/// <param name="Description">What one call gets.</param>
/// <param name="Groups">Indices of the texts of each call.</param>
internal sealed record BatchPlan(string Strategy, string Description, int[][] Groups)
{
    /// <summary>Texts per call of <c>sorted-8</c>.</summary>
    internal const int SortedGroupSize = 8;

    /// <summary>The strategy names, in the order they are timed.</summary>
    internal static readonly string[] Strategies = ["own-length", "sorted-8", "padded-32"];

    /// <summary>The plan of <paramref name="strategy"/> for texts of <paramref name="lengths"/> tokens.</summary>
    /// <exception cref="ArgumentException">Unknown strategy.</exception>
    internal static BatchPlan Create(string strategy, IReadOnlyList<int> lengths)
    {
        int[] order = Enumerable.Range(0, lengths.Count).ToArray();
        return strategy switch
        {
            "own-length" => new(strategy, "batch 1, each text at its own length (no padding)", order.Select(i => new[] { i }).ToArray()),
            "sorted-8" => new(strategy, $"texts sorted by length, batches of {SortedGroupSize} padded to the batch's longest",
                order.OrderBy(i => lengths[i]).Chunk(SortedGroupSize).ToArray()),
            "padded-32" => new(strategy, $"one batch of {lengths.Count} padded to the longest", [order]),
            _ => throw new ArgumentException($"unknown batch strategy '{strategy}'; choose from {string.Join(", ", Strategies)}"),
        };
    }

    /// <summary>Tokens computed per pass, padding included.</summary>
    internal int ComputedTokens(IReadOnlyList<int> lengths) => Groups.Sum(g => g.Length * g.Max(i => lengths[i]));
}
