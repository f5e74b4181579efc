namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// One recorded operation: its inputs and the closure that turns the output's gradient into
/// contributions to the inputs' gradients. The sequence number orders the tape.
/// </summary>
internal sealed class GradNode(long sequence, string op, Tensor output, Tensor[] inputs, Action<float[]> backward)
{
    /// <summary>Recording order; a node only depends on nodes with smaller numbers.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The operation's name, for error messages.</summary>
    public string Op { get; } = op;

    /// <summary>The tensor this operation produced.</summary>
    public Tensor Output { get; } = output;

    /// <summary>The operation's tensor inputs.</summary>
    public Tensor[] Inputs { get; } = inputs;

    /// <summary>Receives the output gradient and accumulates into inputs that require grad.</summary>
    public Action<float[]> Backward { get; } = backward;
}
