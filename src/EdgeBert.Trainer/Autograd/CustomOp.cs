namespace EdgeBert.Trainer.Autograd;

/// <summary>What a custom operation's forward produced: its values, shape, and anything its backward needs.</summary>
/// <param name="Values">The output values, row-major.</param>
/// <param name="Shape">The output shape.</param>
/// <param name="State">Saved for the backward (e.g. a quantizer's scale or clip mask); may be null.</param>
public sealed record CustomResult(float[] Values, int[] Shape, object? State = null);

/// <summary>Computes a custom operation's output from its inputs' values (nothing is recorded while it runs).</summary>
public delegate CustomResult CustomForward(IReadOnlyList<Tensor> inputs);

/// <summary>Adds the custom operation's input gradients, given its output gradient.</summary>
public delegate void CustomBackward(CustomBackwardContext context);

/// <summary>
/// A differentiable operation defined by a forward and a backward delegate, e.g. a quantizer
/// whose backward is a straight-through estimator rather than the true (zero) derivative.
/// </summary>
/// <param name="name">The operation's name, for error messages.</param>
/// <param name="forward">Computes the output.</param>
/// <param name="backward">Accumulates input gradients.</param>
public sealed class CustomOp(string name, CustomForward forward, CustomBackward backward)
{
    private readonly CustomForward forward = forward ?? throw new ArgumentNullException(nameof(forward));
    private readonly CustomBackward backward = backward ?? throw new ArgumentNullException(nameof(backward));

    /// <summary>The operation's name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>Runs the forward on <paramref name="inputs"/> and records the backward when needed.</summary>
    /// <exception cref="InvalidOperationException">The forward returned values that do not fill its shape.</exception>
    public Tensor Apply(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (Tensor t in inputs) ArgumentNullException.ThrowIfNull(t, nameof(inputs));
        Tensor[] captured = (Tensor[])inputs.Clone();
        CustomResult result;
        using (Tape.NoGrad()) result = forward(captured);
        if (result?.Values is null || result.Shape is null)
        {
            throw new InvalidOperationException($"Custom op {Name}: the forward returned no values or no shape.");
        }

        if (ShapeUtil.Count(result.Shape, "shape") != result.Values.Length)
        {
            throw new InvalidOperationException(
                $"Custom op {Name}: the forward returned {result.Values.Length} values for shape {ShapeUtil.Format(result.Shape)}.");
        }

        bool record = Tape.ShouldRecord(captured);
        var output = new Tensor(result.Values, result.Shape, record);
        if (record) Tape.Record(output, Name, captured, g => backward(new CustomBackwardContext(captured, output, g, result.State)));
        return output;
    }
}

/// <summary>What a <see cref="CustomBackward"/> sees: inputs, output, the output gradient and the saved state.</summary>
public sealed class CustomBackwardContext
{
    private readonly Tensor[] inputs;
    private readonly float[] outputGrad;

    internal CustomBackwardContext(Tensor[] inputs, Tensor output, float[] outputGrad, object? state)
    {
        this.inputs = inputs;
        Output = output;
        this.outputGrad = outputGrad;
        State = state;
    }

    /// <summary>The operation's inputs.</summary>
    public IReadOnlyList<Tensor> Inputs => inputs;

    /// <summary>The operation's output.</summary>
    public Tensor Output { get; }

    /// <summary>d(loss)/d(output), laid out like the output.</summary>
    public ReadOnlySpan<float> OutputGrad => outputGrad;

    /// <summary>The state the forward saved.</summary>
    public object? State { get; }

    /// <summary>Whether input <paramref name="index"/> needs a gradient.</summary>
    public bool NeedsGrad(int index) => inputs[index].RequiresGrad;

    /// <summary>
    /// The gradient buffer of input <paramref name="index"/>: add into it (other operations may
    /// already have contributed), never overwrite.
    /// </summary>
    /// <exception cref="InvalidOperationException">That input does not require grad.</exception>
    public Span<float> InputGrad(int index)
    {
        Tensor t = inputs[index];
        if (!t.RequiresGrad) throw new InvalidOperationException($"Input {index} ({t}) does not require grad; check NeedsGrad first.");
        return t.GradBuffer();
    }
}
