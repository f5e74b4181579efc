using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>
/// A building block with named parameters and sub-modules. Parameter names join the path of
/// child names with dots, giving the HF-like tensor names of the model file
/// (e.g. <c>attention.query.weight</c> inside a layer).
/// </summary>
public abstract class Module
{
    private bool training = true;

    /// <summary>Whether dropout is active; setting it applies to every sub-module.</summary>
    public bool Training
    {
        get => training;
        set
        {
            training = value;
            foreach ((_, Module child) in NamedChildren()) child.Training = value;
        }
    }

    /// <summary>
    /// Every parameter with its full name under this module. A parameter registered with an
    /// empty name takes its module's own name (an embedding table is just <c>embeddings.word</c>).
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach ((string name, Tensor p) in OwnParameters()) yield return (name, p);
        foreach ((string childName, Module child) in NamedChildren())
        {
            foreach ((string name, Tensor p) in child.NamedParameters())
            {
                yield return (name.Length == 0 ? childName : childName + "." + name, p);
            }
        }
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(np => np.Parameter);

    /// <summary>Forgets every parameter's accumulated gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in Parameters()) p.ZeroGrad();
    }

    /// <summary>This module's own parameters with names relative to it.</summary>
    protected virtual IEnumerable<(string Name, Tensor Parameter)> OwnParameters() => [];

    /// <summary>Direct sub-modules with their names (which may contain dots).</summary>
    protected virtual IEnumerable<(string Name, Module Child)> NamedChildren() => [];
}
