using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Training;

/// <summary>Global-norm gradient clipping as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient by maxNorm / (‖g‖ + 1e-6) when the global L2 norm ‖g‖ over all
    /// gradients exceeds <paramref name="maxNorm"/>; returns ‖g‖ before clipping. Tensors without
    /// a gradient are skipped. The norm is summed in float64 in parameter order (deterministic).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">maxNorm is not positive.</exception>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The clipping norm must be positive.");
        var grads = parameters.Select(p => p.Grad).OfType<float[]>().ToList();
        double sum = 0;
        foreach (float[] g in grads)
        {
            foreach (float x in g) sum += (double)x * x;
        }

        double norm = Math.Sqrt(sum);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (float[] g in grads) System.Numerics.Tensors.TensorPrimitives.Multiply(g, scale, g);
        }

        return norm;
    }
}
