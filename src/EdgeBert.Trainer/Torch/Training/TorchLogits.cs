using EdgeBert.Trainer.Model;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>The classifier logits of examples in their own order (eval mode, no autograd): what <c>parity</c> compares with the runtime.</summary>
public static class TorchLogits
{
    /// <summary>One row of logits per example, batching consecutive examples (padded and masked).</summary>
    /// <exception cref="ArgumentOutOfRangeException">batchSize is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The model has no classifier.</exception>
    public static float[][] InOrder(TorchBertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int padId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return TorchEvalMode.Run(model, () =>
        {
            var rows = new List<float[]>(examples.Count);
            foreach (EncodedExample[] chunk in examples.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                Tensor logits = model.Forward(BertBatch.Collate(chunk, padId)).Logits ?? throw new InvalidOperationException("The model has no classifier (no labels in its config).");
                float[] values = TorchTensors.ToFloats(logits);
                int classes = values.Length / chunk.Length;
                for (int b = 0; b < chunk.Length; b++) rows.Add(values.AsSpan(b * classes, classes).ToArray());
            }

            return rows.ToArray();
        });
    }
}
