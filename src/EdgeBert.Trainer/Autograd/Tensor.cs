using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// A row-major FP32 tensor that may take part in reverse-mode differentiation. Operations never
/// mutate their inputs' <see cref="Data"/>, so tensors can share storage (reshape is free).
/// A tensor that requires grad accumulates its gradient in <see cref="Grad"/> across backward
/// passes until <see cref="ZeroGrad"/>, as in PyTorch; intermediate results drop theirs after use.
/// </summary>
public sealed class Tensor
{
    private readonly int[] shape;

    /// <summary>Wraps <paramref name="data"/> (not copied) with the given shape.</summary>
    /// <param name="data">Row-major values; its length must equal the product of the shape.</param>
    /// <param name="shape">Dimensions, each at least 0; an empty shape is a scalar.</param>
    /// <param name="requiresGrad">Whether backward passes accumulate a gradient here.</param>
    /// <exception cref="ArgumentException">The shape is invalid or does not match the data.</exception>
    public Tensor(float[] data, int[] shape, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        this.shape = (int[])shape.Clone();
        long n = ShapeUtil.Count(this.shape, nameof(shape));
        if (n != data.Length)
        {
            throw new ArgumentException(
                $"Shape {ShapeUtil.Format(shape)} holds {n} values but the data has {data.Length}.", nameof(data));
        }

        Data = data;
        RequiresGrad = requiresGrad;
    }

    /// <summary>The values, row-major. Treat as read-only once the tensor is used by an operation.</summary>
    public float[] Data { get; }

    /// <summary>The dimensions.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>The number of values.</summary>
    public int Length => Data.Length;

    /// <summary>Whether a backward pass computes a gradient for this tensor.</summary>
    public bool RequiresGrad { get; }

    /// <summary>The accumulated gradient (same layout as <see cref="Data"/>), or null when none has flowed yet.</summary>
    public float[]? Grad { get; internal set; }

    /// <summary>An optional label used in error messages and parameter listings.</summary>
    public string? Name { get; set; }

    /// <summary>The operation that produced this tensor while recording, or null for a leaf.</summary>
    internal GradNode? Node { get; set; }

    /// <summary>True when no recorded operation produced this tensor (inputs and parameters).</summary>
    public bool IsLeaf => Node is null;

    /// <summary>The size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside the tensor's rank.</exception>
    public int Dim(int axis) => shape[ShapeUtil.Axis(axis, shape.Length)];

    /// <summary>A copy of the dimensions.</summary>
    public int[] ShapeArray() => (int[])shape.Clone();

    /// <summary>The single value of a tensor holding exactly one value.</summary>
    /// <exception cref="InvalidOperationException">The tensor holds more or fewer than one value.</exception>
    public float Item()
    {
        if (Data.Length != 1)
        {
            throw new InvalidOperationException($"Item() needs exactly one value; the tensor has shape {ShapeUtil.Format(shape)}.");
        }

        return Data[0];
    }

    /// <summary>Forgets the accumulated gradient.</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>A tensor sharing this one's values that no gradient flows through.</summary>
    public Tensor Detach() => new(Data, shape) { Name = Name };

    /// <summary>Runs the backward pass from this tensor; see <see cref="Tape.Backward(Tensor, float[])"/>.</summary>
    public void Backward(float[]? seed = null) => Tape.Backward(this, seed);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(int[] shape, bool requiresGrad = false) =>
        new(new float[ShapeUtil.Count(shape, nameof(shape))], shape, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, float value, bool requiresGrad = false)
    {
        var data = new float[ShapeUtil.Count(shape, nameof(shape))];
        Array.Fill(data, value);
        return new Tensor(data, shape, requiresGrad);
    }

    /// <summary>A scalar (rank 0) tensor.</summary>
    public static Tensor Scalar(float value, bool requiresGrad = false) => new([value], [], requiresGrad);

    /// <summary>A tensor of independent normal values (Box-Muller), reproducible from <paramref name="rng"/>.</summary>
    public static Tensor RandomNormal(int[] shape, Random rng, float mean = 0f, float std = 1f, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var data = new float[ShapeUtil.Count(shape, nameof(shape))];
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(mean + std * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < data.Length) data[i + 1] = (float)(mean + std * r * Math.Sin(2 * Math.PI * u2));
        }

        return new Tensor(data, shape, requiresGrad);
    }

    /// <summary>A tensor of independent values uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor RandomUniform(int[] shape, Random rng, float low = -1f, float high = 1f, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var data = new float[ShapeUtil.Count(shape, nameof(shape))];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(low + (high - low) * rng.NextDouble());
        return new Tensor(data, shape, requiresGrad);
    }

    /// <summary>Adds <paramref name="delta"/> into the gradient, allocating it on first use.</summary>
    internal void AccumulateGrad(ReadOnlySpan<float> delta)
    {
        if (Grad is null)
        {
            Grad = delta.ToArray();
            return;
        }

        TensorPrimitives.Add(Grad, delta, Grad);
    }

    /// <summary>The gradient buffer, allocated as zeros when absent, for operations that scatter into it.</summary>
    internal float[] GradBuffer() => Grad ??= new float[Data.Length];

    /// <inheritdoc />
    public override string ToString() => $"Tensor{(Name is null ? "" : " " + Name)} {ShapeUtil.Format(shape)}";
}
