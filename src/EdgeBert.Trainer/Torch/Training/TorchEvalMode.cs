using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>Runs code with a model in eval mode (no dropout) and without autograd, then restores its mode.</summary>
public static class TorchEvalMode
{
    /// <summary>The result of <paramref name="body"/>, computed in eval mode under <c>no_grad</c>.</summary>
    public static T Run<T>(TorchBertModel model, Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(body);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            return body();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
