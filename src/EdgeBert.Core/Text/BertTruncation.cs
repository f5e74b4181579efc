namespace EdgeBert.Text;

/// <summary>
/// HuggingFace's <c>truncate_encodings</c> applied to the word-piece ids of one or two
/// sequences, with the budget reduced by the template's special tokens (2 or 3), as HF does.
/// </summary>
internal static class BertTruncation
{
    /// <summary>Shortens <paramref name="first"/> and <paramref name="second"/> in place; returns whether tokens were dropped.</summary>
    /// <exception cref="InputTooLongException">Truncation is not allowed or cannot reach the budget.</exception>
    public static bool Apply(BertTokenizerOptions options, ref PooledBuffer<int> first, ref PooledBuffer<int> second, bool hasPair)
    {
        if (options.MaxLength is not int maxLength) return false;
        int specials = hasPair ? 3 : 2;
        int n1 = first.Count, n2 = hasPair ? second.Count : 0;
        int total = n1 + n2;
        if (maxLength < specials)
            throw new InputTooLongException(total + specials, maxLength, $"MaxLength {maxLength} cannot hold the {specials} special tokens of a {(hasPair ? "sentence pair" : "sequence")}.");
        int budget = maxLength - specials;
        if (total <= budget) return false;

        var side = options.TruncationSide;
        if (options.Truncation == TruncationStrategy.Fail)
            throw new InputTooLongException(total + specials, maxLength, $"The input has {total + specials} tokens with [CLS]/[SEP], more than MaxLength {maxLength}, and truncation is disabled (TruncationStrategy.Fail).");

        if (budget == 0)
        {
            // HF's special case: a zero budget empties both sequences, whatever the strategy.
            Keep(ref first, 0, side);
            Keep(ref second, 0, side);
            return true;
        }

        int toRemove = total - budget;
        switch (options.Truncation)
        {
            case TruncationStrategy.LongestFirst when hasPair:
            {
                // HF: keep the shorter sequence whole and give the longer one the rest; when
                // both exceed half the budget each gets half, the longer one the odd token. HF
                // 0.23 first clamps each length to MaxLength (measured with the fixture generator
                // over every pair of lengths up to 16), so two sequences that both reach MaxLength
                // count as a tie, and a tie gives the odd token to the second sequence.
                int c1 = Math.Min(n1, maxLength), c2 = Math.Min(n2, maxLength);
                int shorter = Math.Min(c1, c2), longer;
                bool swap = c1 > c2;
                longer = shorter > budget ? shorter : Math.Max(shorter, budget - shorter);
                if (shorter + longer > budget)
                {
                    shorter = budget / 2;
                    longer = shorter + budget % 2;
                }
                Keep(ref first, swap ? longer : shorter, side);
                Keep(ref second, swap ? shorter : longer, side);
                return true;
            }
            case TruncationStrategy.LongestFirst:
                Keep(ref first, budget, side);
                return true;
            case TruncationStrategy.OnlyFirst:
            case TruncationStrategy.OnlySecond:
            {
                if (options.Truncation == TruncationStrategy.OnlySecond && !hasPair)
                    throw new InputTooLongException(total + specials, maxLength, "Truncation error: Second sequence not provided (TruncationStrategy.OnlySecond needs a sentence pair).");
                ref var target = ref options.Truncation == TruncationStrategy.OnlyFirst ? ref first : ref second;
                if (target.Count <= toRemove)
                    throw new InputTooLongException(total + specials, maxLength, $"Truncation error: Sequence to truncate too short to respect the provided max_length ({options.Truncation} would have to remove {toRemove} of its {target.Count} tokens).");
                Keep(ref target, target.Count - toRemove, side);
                return true;
            }
            default:
                throw new InvalidOperationException($"Unhandled truncation strategy {options.Truncation}.");
        }
    }

    private static void Keep(ref PooledBuffer<int> ids, int count, TruncationSide side)
    {
        if (side == TruncationSide.Right) ids.Truncate(count);
        else ids.KeepLast(count);
    }
}
