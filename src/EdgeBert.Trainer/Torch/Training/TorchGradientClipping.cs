using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>Global-norm gradient clipping by LibTorch's <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class TorchGradientClipping
{
    /// <summary>
    /// Scales every gradient by maxNorm / (‖g‖ + 1e-6) when the global L2 norm ‖g‖ over the
    /// parameters' gradients exceeds <paramref name="maxNorm"/>; returns ‖g‖ before clipping.
    /// Parameters without a gradient are skipped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">maxNorm is not positive.</exception>
    public static double ClipGlobalNorm(IEnumerable<(string Name, Tensor Parameter)> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The clipping norm must be positive.");
        var withGrad = parameters.Select(p => p.Parameter as TorchSharp.Modules.Parameter ?? throw new ArgumentException($"clipping: {p.Name} is not a parameter.")).Where(p => p.grad is not null).ToArray();
        if (withGrad.Length == 0) return 0;
        return nn.utils.clip_grad_norm_(withGrad, maxNorm);
    }
}
