using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>Transitional (issue 14): a classic-engine <see cref="BertModel"/>'s weights as <see cref="ModelWeights"/> for the exporters; goes with the classic engine.</summary>
public static class ClassicModelWeights
{
    /// <summary>Every parameter of <paramref name="model"/> but the MLM head's, in its order (the model file's).</summary>
    public static ModelWeights Of(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ModelWeights(model.Config, model.NamedParameters()
            .Where(p => !p.Name.StartsWith("mlm.", StringComparison.Ordinal))
            .Select(p => new NamedWeight(p.Name, p.Parameter.ShapeArray(), p.Parameter.Data)));
    }
}
