using EdgeBert.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>
/// LibTorch's AdamW (<c>torch.optim.AdamW</c>) with the trainer's hyper-parameters
/// (<see cref="AdamWOptions"/>: β 0.9/0.999, ε 1e-8, decoupled weight decay) and its exclusions:
/// two parameter groups, the weights decayed and biases, LayerNorm gamma/beta and learned
/// activation steps (<c>act_scale</c>) not (<see cref="EdgeBert.Trainer.Training.WeightDecayRule.DecaysWeight"/>). Its moments are
/// read and written by parameter name for checkpoints.
/// </summary>
public sealed class TorchAdamW : IDisposable
{
    private readonly (string Name, Parameter Parameter)[] decayed;
    private readonly (string Name, Parameter Parameter)[] notDecayed;

    /// <summary>An optimizer over uniquely named parameters.</summary>
    /// <exception cref="ArgumentException">A name repeats, a tensor is not a parameter, or the options are invalid.</exception>
    public TorchAdamW(IEnumerable<(string Name, Tensor Parameter)> namedParameters, AdamWOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        Options = options ?? new AdamWOptions();
        Options.Validate();
        var all = namedParameters.Select(p => (p.Name, p.Parameter as Parameter ?? throw new ArgumentException($"AdamW: '{p.Name}' is not a trainable parameter."))).ToArray();
        string? repeated = all.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null) throw new ArgumentException($"AdamW: parameter name '{repeated}' appears twice.", nameof(namedParameters));
        decayed = [.. all.Where(p => EdgeBert.Trainer.Training.WeightDecayRule.DecaysWeight(p.Name))];
        notDecayed = [.. all.Where(p => !EdgeBert.Trainer.Training.WeightDecayRule.DecaysWeight(p.Name))];
        var groups = new List<TorchSharp.Modules.AdamW.ParamGroup>();
        if (decayed.Length > 0) groups.Add(Group(decayed, Options.WeightDecay));
        if (notDecayed.Length > 0) groups.Add(Group(notDecayed, 0));
        Optimizer = optim.AdamW(groups, lr: 0, beta1: Options.Beta1, beta2: Options.Beta2, eps: Options.Epsilon);
    }

    /// <summary>The hyper-parameters.</summary>
    public AdamWOptions Options { get; }

    /// <summary>The LibTorch optimizer.</summary>
    public TorchSharp.Modules.AdamW Optimizer { get; }

    /// <summary>Names of the parameters in the weight-decay group.</summary>
    public IEnumerable<string> DecayedNames => decayed.Select(p => p.Name);

    /// <summary>Names of the parameters without weight decay.</summary>
    public IEnumerable<string> NotDecayedNames => notDecayed.Select(p => p.Name);

    /// <summary>Takes one step at <paramref name="learningRate"/> (set on every group first) with the parameters' gradients.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    public void Step(double learningRate)
    {
        if (!(learningRate >= 0 && double.IsFinite(learningRate))) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "AdamW: the learning rate must be finite and ≥ 0.");
        foreach (optim.ILearningRateController group in Optimizer.ParamGroups) group.LearningRate = learningRate;
        Optimizer.step();
    }

    /// <summary>Clears every gradient (set to none, as PyTorch's <c>zero_grad()</c>): a parameter the next loss does not reach is not updated.</summary>
    public void ZeroGrad()
    {
        foreach ((_, Parameter p) in decayed.Concat(notDecayed))
        {
            if (p.grad is not null) p.grad = null;
        }
    }

    /// <summary>
    /// The state for a checkpoint, in parameter order: the moments <c>m.{name}</c> (exp_avg) and
    /// <c>v.{name}</c> (exp_avg_sq) as float arrays, and each parameter's update count.
    /// </summary>
    public (List<(string Name, int[] Shape, float[] Values)> Moments, Dictionary<string, long> Steps) SaveState()
    {
        var moments = new List<(string, int[], float[])>();
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string name, TorchSharp.Modules.AdamW.State state) in States())
        {
            moments.Add(("m." + name, TorchTensors.Shape(state.exp_avg), TorchTensors.ToFloats(state.exp_avg)));
            moments.Add(("v." + name, TorchTensors.Shape(state.exp_avg_sq), TorchTensors.ToFloats(state.exp_avg_sq)));
            steps[name] = state.step;
        }

        return (moments, steps);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    /// <exception cref="ArgumentException">A moment or step is missing or a moment has the wrong length.</exception>
    public void LoadState(IReadOnlyDictionary<string, float[]> moments, IReadOnlyDictionary<string, long> steps)
    {
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(steps);
        using var noGrad = no_grad();
        foreach ((string name, TorchSharp.Modules.AdamW.State state) in States())
        {
            foreach ((string key, Tensor target) in new[] { ("m." + name, state.exp_avg), ("v." + name, state.exp_avg_sq) })
            {
                if (!moments.TryGetValue(key, out float[]? values)) throw new ArgumentException($"AdamW state: '{key}' is missing.");
                if (values.Length != target.numel()) throw new ArgumentException($"AdamW state: '{key}' has {values.Length} values, the parameter {target.numel()}.");
                using Tensor source = tensor(values, target.shape);
                target.copy_(source);
            }

            if (!steps.TryGetValue(name, out long step) || step < 0) throw new ArgumentException($"AdamW state: the update count of '{name}' is missing or negative.");
            state.step = step;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Optimizer.Dispose();

    private static TorchSharp.Modules.AdamW.ParamGroup Group((string Name, Parameter Parameter)[] parameters, double weightDecay) =>
        new(parameters.Select(p => p.Parameter), new TorchSharp.Modules.AdamW.Options { weight_decay = weightDecay });

    /// <summary>Each parameter's LibTorch state with its name, in the optimizer's order (the decayed group, then the other).</summary>
    private IEnumerable<(string Name, TorchSharp.Modules.AdamW.State State)> States()
    {
        var states = Optimizer.state_dict().State;
        var names = decayed.Concat(notDecayed).Select(p => p.Name).ToArray();
        if (states.Count != names.Length) throw new InvalidOperationException($"AdamW: {states.Count} optimizer states for {names.Length} parameters.");
        for (int i = 0; i < names.Length; i++) yield return (names[i], (TorchSharp.Modules.AdamW.State)states[i]);
    }
}
