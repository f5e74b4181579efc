using EdgeBert.Text;

namespace EdgeBert.Runtime;

// Classification of whole long texts over overlapping windows (OverlongInput.Windows): the text's
// word pieces are cut into windows of MaxLength − 2 pieces every half window (TextWindows), each
// runs through the encoder as its own [CLS] window [SEP] sequence, and the windows' logits are
// combined per Aggregation. The buffers are the session's own and only grow, so a session that
// has seen its longest text allocates nothing.
public sealed partial class Session
{
    private int[] _pieces = [];
    private float[] _windowLogits = [];

    /// <summary>Classifies the <paramref name="pieces"/> word pieces in <see cref="_pieces"/>: as one sequence when they fit, else over windows.</summary>
    private Classification ClassifyWindows(int pieces, Span<float> logits)
    {
        int labels = Model.Labels.Count;
        if (!logits.IsEmpty) ThrowIfShort(logits.Length, labels, nameof(logits));
        var windows = new TextWindows(pieces, MaxLength - 2);
        if (windows.Count == 1) return ClassifyTokens(Window(0, pieces), _typeIds.AsSpan(0, pieces + 2), logits, false);

        if (_windowLogits.Length < 2 * labels) _windowLogits = new float[2 * labels];
        Span<float> window = _windowLogits.AsSpan(0, labels), combined = _windowLogits.AsSpan(labels, labels);
        combined.Clear();
        float best = float.NegativeInfinity;
        for (int w = 0; w < windows.Count; w++)
        {
            int length = windows.Length(w);
            ClassifyTokens(Window(windows.Start(w), length), _typeIds.AsSpan(0, length + 2), window, false);
            if (Aggregation == WindowAggregation.MeanLogits)
            {
                for (int j = 0; j < labels; j++) combined[j] += window[j];
                continue;
            }
            float positive = Probabilities.Of(window, labels - 1, Model.Temperature);
            if (w == 0 || positive > best)
            {
                best = positive;
                window.CopyTo(combined);
            }
        }
        if (Aggregation == WindowAggregation.MeanLogits)
        {
            for (int j = 0; j < labels; j++) combined[j] /= windows.Count;
        }
        if (!logits.IsEmpty) combined.CopyTo(logits);
        int label = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(combined);
        return new Classification(label, Model.Labels[label], Probabilities.Of(combined, label, Model.Temperature), pieces + 2, false)
        {
            Windows = windows.Count,
        };
    }

    /// <summary>[CLS] pieces[start .. start + length) [SEP] into the session's ids (type ids 0); returns them.</summary>
    private ReadOnlySpan<int> Window(int start, int length)
    {
        var ids = _ids.AsSpan(0, length + 2);
        ids[0] = Model.Vocabulary.ClassifierId;
        _pieces.AsSpan(start, length).CopyTo(ids[1..]);
        ids[^1] = Model.Vocabulary.SeparatorId;
        _typeIds.AsSpan(0, length + 2).Clear();
        return ids;
    }
}
