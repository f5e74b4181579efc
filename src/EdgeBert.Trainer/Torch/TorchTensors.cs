using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>Copies between LibTorch tensors and the float/int arrays the trainer's files and batches use.</summary>
public static class TorchTensors
{
    /// <summary>The values of <paramref name="t"/> as float32, row-major, copied to the CPU.</summary>
    public static float[] ToFloats(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var scope = NewDisposeScope();
        return t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>The shape of <paramref name="t"/> as the int array safetensors files take.</summary>
    public static int[] Shape(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return [.. t.shape.Select(d => checked((int)d))];
    }

    /// <summary>The device <paramref name="model"/>'s weights live on.</summary>
    public static Device DeviceOf(this TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NamedWeights().First().Parameter.device;
    }

    /// <summary>An int64 tensor [n] on <paramref name="device"/> holding <paramref name="values"/>.</summary>
    public static Tensor Int64(IReadOnlyList<int> values, Device device)
    {
        ArgumentNullException.ThrowIfNull(values);
        return tensor(values.Select(v => (long)v).ToArray(), [values.Count], device: device);
    }
}
