namespace EdgeBert.Runtime;

/// <summary>
/// A model whose weights are all finite (the load checks that) but so large that its forward pass
/// overflows float32 on an input: an activation or a logit became NaN or infinity. The defect is
/// the model's, not the input's, so the message names the model and the step where it happened;
/// the C ABI reports it as <c>EDGEBERT_MODEL_FORMAT</c> and both command lines as bad input.
/// </summary>
public sealed class ModelOverflowException : ArithmeticException
{
    /// <summary>Creates the error for <paramref name="model"/> at <paramref name="where"/>.</summary>
    /// <param name="model">The model's source (its file name, or the name it was loaded under); empty
    /// when a kernel raises it, and the session fills it in.</param>
    /// <param name="where">The step whose input or output was not finite, e.g. a linear layer's name.</param>
    /// <param name="inner">The kernel's own refusal, when there was one.</param>
    public ModelOverflowException(string model, string where, Exception? inner = null)
        : base($"{model}: the model's arithmetic overflows float32 at {where} (NaN or infinity although every weight is finite: its weights are too large)", inner)
    {
        Model = model;
        Where = where;
    }

    /// <summary>The model's source (file name).</summary>
    public string Model { get; }

    /// <summary>The step of the forward pass where the overflow was found.</summary>
    public string Where { get; }
}
