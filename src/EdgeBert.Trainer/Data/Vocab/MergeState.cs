namespace EdgeBert.Trainer.Data.Vocab;

/// <summary>
/// The working state of <see cref="WordPieceTrainer"/>: every distinct word as a sequence of symbol
/// ids with its count, the symbol frequencies and the counts of adjacent symbol pairs, with an index
/// from each pair to the words that (may) contain it so that a merge touches only those words.
/// </summary>
internal sealed class MergeState
{
    private readonly string _prefix;
    private readonly List<string> _symbols = [];
    private readonly Dictionary<string, int> _symbolIds = new(StringComparer.Ordinal);
    private readonly List<long> _symbolFrequency = [];
    private readonly List<int[]> _words = [];
    private readonly List<long> _wordCounts = [];
    private readonly Dictionary<(int A, int B), long> _pairCounts = [];
    private readonly Dictionary<(int A, int B), HashSet<int>> _pairWords = [];

    public MergeState(string continuationPrefix) => _prefix = continuationPrefix;

    public void AddWord(IReadOnlyList<string> characters, long count)
    {
        var ids = new int[characters.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = SymbolId(i == 0 ? characters[i] : _prefix + characters[i]);
        }
        _words.Add(ids);
        _wordCounts.Add(count);
        Count(_words.Count - 1, +1);
    }

    public IEnumerable<string> ContinuationCharacters() =>
        _symbols.Where(s => s.StartsWith(_prefix, StringComparison.Ordinal));

    /// <summary>The best pair with at least <paramref name="minFrequency"/> occurrences, or null.</summary>
    public (int A, int B)? BestPair(WordPieceScoring scoring, long minFrequency)
    {
        (int A, int B)? best = null;
        double bestScore = 0;
        long bestCount = 0;
        string? bestMerged = null;
        foreach (var (pair, count) in _pairCounts)
        {
            if (count < minFrequency || count <= 0)
            {
                continue;
            }
            double score = scoring == WordPieceScoring.Frequency
                ? count
                : count / ((double)_symbolFrequency[pair.A] * _symbolFrequency[pair.B]);
            if (best is not null)
            {
                if (score < bestScore || (score == bestScore && count < bestCount))
                {
                    continue;
                }
                if (score == bestScore && count == bestCount)
                {
                    // Deterministic tie-break that does not depend on dictionary order.
                    var merged = MergedString(pair);
                    int order = string.CompareOrdinal(merged, bestMerged ??= MergedString(best.Value));
                    if (order > 0 || (order == 0 && (pair.A, pair.B).CompareTo(best.Value) > 0))
                    {
                        continue;
                    }
                    best = pair;
                    bestMerged = merged;
                    continue;
                }
            }
            best = pair;
            bestScore = score;
            bestCount = count;
            bestMerged = null;
        }
        return best;
    }

    /// <summary>Merges every occurrence of <paramref name="pair"/>; returns the merged symbol's string.</summary>
    public string Merge((int A, int B) pair)
    {
        var mergedString = MergedString(pair);
        int merged = SymbolId(mergedString);
        var words = _pairWords[pair].Order().ToList();
        foreach (int w in words)
        {
            var old = _words[w];
            if (!Contains(old, pair))
            {
                continue; // stale index entry: an earlier merge removed the pair from this word
            }
            Count(w, -1);
            var replaced = new List<int>(old.Length);
            for (int i = 0; i < old.Length; i++)
            {
                if (i + 1 < old.Length && old[i] == pair.A && old[i + 1] == pair.B)
                {
                    replaced.Add(merged);
                    i++;
                }
                else
                {
                    replaced.Add(old[i]);
                }
            }
            _words[w] = replaced.ToArray();
            Count(w, +1);
        }
        return mergedString;
    }

    private string MergedString((int A, int B) pair)
    {
        var b = _symbols[pair.B];
        return _symbols[pair.A] + (b.StartsWith(_prefix, StringComparison.Ordinal) ? b[_prefix.Length..] : b);
    }

    private int SymbolId(string symbol)
    {
        if (!_symbolIds.TryGetValue(symbol, out int id))
        {
            id = _symbols.Count;
            _symbols.Add(symbol);
            _symbolIds.Add(symbol, id);
            _symbolFrequency.Add(0);
        }
        return id;
    }

    // Adds (sign +1) or removes (sign -1) the contribution of word w to symbol and pair counts.
    private void Count(int w, int sign)
    {
        var ids = _words[w];
        long count = sign * _wordCounts[w];
        for (int i = 0; i < ids.Length; i++)
        {
            _symbolFrequency[ids[i]] += count;
            if (i + 1 == ids.Length)
            {
                break;
            }
            var pair = (ids[i], ids[i + 1]);
            long updated = _pairCounts.GetValueOrDefault(pair) + count;
            if (updated == 0)
            {
                _pairCounts.Remove(pair);
                _pairWords.Remove(pair);
            }
            else
            {
                _pairCounts[pair] = updated;
                if (sign > 0)
                {
                    if (!_pairWords.TryGetValue(pair, out var set))
                    {
                        _pairWords[pair] = set = [];
                    }
                    set.Add(w);
                }
            }
        }
    }

    private static bool Contains(int[] ids, (int A, int B) pair)
    {
        for (int i = 0; i + 1 < ids.Length; i++)
        {
            if (ids[i] == pair.A && ids[i + 1] == pair.B)
            {
                return true;
            }
        }
        return false;
    }
}
