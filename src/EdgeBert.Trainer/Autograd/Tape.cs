namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// Records differentiable operations as they run and replays them in reverse. Every operation
/// whose inputs require grad appends a node (ordered by a global sequence number) to the graph
/// hanging off its output; <see cref="Backward(Tensor, float[])"/> walks the nodes reachable from
/// the loss newest-first. Inside <see cref="NoGrad"/> nothing is recorded, so evaluation costs
/// only the forward arithmetic.
/// </summary>
public static class Tape
{
    private static long sequence;

    [ThreadStatic]
    private static int noGradDepth;

    /// <summary>Whether operations on this thread are being recorded.</summary>
    public static bool IsRecording => noGradDepth == 0;

    /// <summary>Stops recording on this thread until the returned scope is disposed (scopes nest).</summary>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>
    /// Back-propagates from <paramref name="loss"/>: gradients accumulate into every tensor that
    /// requires grad and contributed to it. Intermediate tensors release their gradients once
    /// used, so the same graph can be run backward again.
    /// </summary>
    /// <param name="loss">The tensor to differentiate.</param>
    /// <param name="seed">d(objective)/d(loss), same length as the loss; null means 1 for a one-value loss.</param>
    /// <exception cref="InvalidOperationException">The loss does not require grad.</exception>
    /// <exception cref="ArgumentException">No seed was given for a loss with several values, or its length differs.</exception>
    public static void Backward(Tensor loss, float[]? seed = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!loss.RequiresGrad)
        {
            throw new InvalidOperationException(
                $"Backward: {loss} does not require grad; was it computed inside NoGrad() or from constants only?");
        }

        if (seed is null)
        {
            if (loss.Length != 1)
            {
                throw new ArgumentException(
                    $"Backward: {loss} has {loss.Length} values; pass a seed gradient of that length.", nameof(seed));
            }

            seed = [1f];
        }
        else if (seed.Length != loss.Length)
        {
            throw new ArgumentException($"Backward: the seed has {seed.Length} values but {loss} has {loss.Length}.", nameof(seed));
        }

        loss.AccumulateGrad(seed);
        foreach (GradNode node in ReachableNewestFirst(loss))
        {
            float[]? grad = node.Output.Grad;
            if (grad is null) continue;
            node.Backward(grad);
            node.Output.Grad = null;
        }
    }

    /// <summary>True when recording is on and some input requires grad.</summary>
    internal static bool ShouldRecord(params ReadOnlySpan<Tensor?> inputs)
    {
        if (noGradDepth != 0) return false;
        foreach (Tensor? t in inputs)
        {
            if (t is not null && t.RequiresGrad) return true;
        }

        return false;
    }

    /// <summary>Attaches a backward closure to <paramref name="output"/>, which must require grad.</summary>
    internal static void Record(Tensor output, string op, Tensor[] inputs, Action<float[]> backward)
    {
        output.Node = new GradNode(Interlocked.Increment(ref sequence), op, output, inputs, backward);
    }

    private static List<GradNode> ReachableNewestFirst(Tensor loss)
    {
        var nodes = new List<GradNode>();
        if (loss.Node is null) return nodes;
        var seen = new HashSet<GradNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<GradNode>();
        stack.Push(loss.Node);
        seen.Add(loss.Node);
        while (stack.Count > 0)
        {
            GradNode node = stack.Pop();
            nodes.Add(node);
            foreach (Tensor input in node.Inputs)
            {
                if (input.Node is { } parent && seen.Add(parent)) stack.Push(parent);
            }
        }

        // A node's output only feeds nodes recorded after it, so descending sequence order
        // visits every consumer before the producer it sends gradient to.
        nodes.Sort((x, y) => y.Sequence.CompareTo(x.Sequence));
        return nodes;
    }

    /// <summary>Ends a <see cref="NoGrad"/> region when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Resumes recording (if no outer scope is still open).</summary>
        public void Dispose()
        {
            if (noGradDepth > 0) noGradDepth--;
        }
    }
}
