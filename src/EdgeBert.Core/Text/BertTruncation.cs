namespace EdgeBert.Text;

/// <summary>
/// HuggingFace's <c>truncate_encodings</c> for the word pieces of one or two
/// sequences, with the budget reduced by the template's special tokens (2 or 3), as HF does.
/// </summary>
internal static class BertTruncation
{
    /// <summary>
    /// Decides how many word pieces of each sequence to keep (<paramref name="keep1"/>,
    /// <paramref name="keep2"/>); returns whether tokens are dropped.
    /// </summary>
    /// <exception cref="InputTooLongException">Truncation is not allowed or cannot reach the budget.</exception>
    public static bool Plan(BertTokenizerOptions options, int n1, int n2, bool hasPair, out int keep1, out int keep2)
    {
        keep1 = n1;
        keep2 = n2;
        if (options.MaxLength is not int maxLength) return false;
        int specials = hasPair ? 3 : 2;
        int total = n1 + n2;
        if (maxLength < specials)
            throw new InputTooLongException(total + specials, maxLength, $"MaxLength {maxLength} cannot hold the {specials} special tokens of a {(hasPair ? "sentence pair" : "sequence")}.");
        int budget = maxLength - specials;
        if (total <= budget) return false;

        if (options.Truncation == TruncationStrategy.Fail)
            throw new InputTooLongException(total + specials, maxLength, $"The input has {total + specials} tokens with [CLS]/[SEP], more than MaxLength {maxLength}, and truncation is disabled (TruncationStrategy.Fail).");

        if (budget == 0)
        {
            // HF's special case: a zero budget empties both sequences, whatever the strategy.
            keep1 = keep2 = 0;
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
                keep1 = Math.Min(n1, swap ? longer : shorter);
                keep2 = Math.Min(n2, swap ? shorter : longer);
                return true;
            }
            case TruncationStrategy.LongestFirst:
                keep1 = budget;
                return true;
            case TruncationStrategy.OnlyFirst:
            case TruncationStrategy.OnlySecond:
            {
                if (options.Truncation == TruncationStrategy.OnlySecond && !hasPair)
                    throw new InputTooLongException(total + specials, maxLength, "Truncation error: Second sequence not provided (TruncationStrategy.OnlySecond needs a sentence pair).");
                int target = options.Truncation == TruncationStrategy.OnlyFirst ? n1 : n2;
                if (target <= toRemove)
                    throw new InputTooLongException(total + specials, maxLength, $"Truncation error: Sequence to truncate too short to respect the provided max_length ({options.Truncation} would have to remove {toRemove} of its {target} tokens).");
                if (options.Truncation == TruncationStrategy.OnlyFirst) keep1 = n1 - toRemove;
                else keep2 = n2 - toRemove;
                return true;
            }
            default:
                throw new InvalidOperationException($"Unhandled truncation strategy {options.Truncation}.");
        }
    }

    /// <summary>Keeps <paramref name="count"/> items of <paramref name="items"/>: the first ones, or the last ones for <see cref="TruncationSide.Left"/>.</summary>
    public static void Keep(ref PooledBuffer<int> items, int count, TruncationSide side)
    {
        if (side == TruncationSide.Right) items.Truncate(count);
        else items.KeepLast(count);
    }
}
