using System.Text.RegularExpressions;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using EdgeBert.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Quantization;

/// <summary>Per layer, the importance of every attention head and every FFN neuron.</summary>
/// <param name="Heads">[layer][head]: Σ over batches of |∂L/∂m_head|.</param>
/// <param name="Neurons">[layer][neuron]: Σ over batches of |∂L/∂m_pre| + |∂L/∂m_post| (masks before and after the activation).</param>
public sealed record WidthImportance(double[][] Heads, double[][] Neurons);

/// <summary>
/// DynaBERT's width reduction (METHODS.md §2.1, §5; Michel et al. 2019): score each attention head
/// and FFN neuron by the gradient of the task loss with respect to a mask m on its output,
/// accumulated as |∂L/∂m| per batch, and keep the top fraction in every layer. ∂L/∂m is computed
/// without a mask parameter as Σ activation·gradient over the masked unit, which is the mask
/// gradient at m = 1: for a head its context columns (a mask on its attention probabilities, as
/// DynaBERT's head_mask); for a neuron, as DynaBERT's code, the sum of two terms, |Σ w·∂L/∂w + b·∂L/∂b|
/// over its FFN-in row (a mask before the activation) and |Σ h·∂L/∂h| over its FFN-out input
/// column (a mask after it).
/// The pruned model keeps the hidden size and the head size; only heads and FFN neurons go.
/// </summary>
public static class DynaBertWidth
{
    /// <summary>Scores <paramref name="model"/> with the cross-entropy on <paramref name="examples"/> (eval mode, no dropout).</summary>
    /// <exception cref="ArgumentException">No examples, no classifier, or a bad batch size.</exception>
    public static WidthImportance Score(TorchBertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int padId, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("importance: no examples to score heads and neurons on.");
        if (model.Config.Labels.Count == 0) throw new ArgumentException("importance: the model has no classifier; fine-tune it first.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int layers = model.Layers.Count;
        var heads = new double[layers][];
        var neurons = new double[layers][];
        // Per layer, a probe on the input of the attention output (the heads' context columns) and of FFN out.
        var probes = new Probe[layers, 2];
        var saved = new List<(Linear Linear, TorchLinearQuantizer? Quantizer)>();
        for (int l = 0; l < layers; l++)
        {
            TorchBertLayer layer = model.Layers[l];
            heads[l] = new double[layer.Attention.Heads];
            neurons[l] = new double[model.Config.Ffn];
            Linear[] watched = [layer.Attention.OutputLinear, layer.FfnOut];
            for (int k = 0; k < 2; k++)
            {
                var probe = new Probe();
                probes[l, k] = probe;
                TorchLinearQuantizer? inner = TorchQuantizedModules.Quantizer(watched[k]);
                saved.Add((watched[k], inner));
                TorchQuantizedModules.Attach(watched[k], new TorchLinearQuantizer
                {
                    Weight = inner?.Weight, Product = inner?.Product, WeightSplit = inner?.WeightSplit, ActivationScale = inner?.ActivationScale,
                    Input = x => probe.Watch(inner?.Input is { } f ? f(x) : x),
                });
            }
        }

        bool wasTraining = model.training;
        model.eval();
        Device device = model.DeviceOf();
        try
        {
            var plan = new List<int[]>();
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                plan.Add([.. Enumerable.Range(start, Math.Min(batchSize, examples.Count - start))]);
            }
            List<BertBatch> batches = BatchPlanner.Collate(examples, plan, padId);
            for (int i = 0; i < batches.Count; i++)
            {
                model.zero_grad();
                using (var scope = NewDisposeScope())
                {
                    nn.functional.cross_entropy(model.Forward(batches[i]).Logits!, TorchTensors.Int64(batches[i].Labels, device)).backward();
                }
                for (int l = 0; l < layers; l++)
                {
                    double[] batchHeads = probes[l, 0].TakeColumnSums(model.Layers[l].Attention.HeadSize);
                    double[] batchNeurons = probes[l, 1].TakeColumnSums(1);
                    double[] preActivation = PreActivationMaskGradients(model.Layers[l].FfnIn);
                    for (int j = 0; j < heads[l].Length; j++) heads[l][j] += Math.Abs(batchHeads[j]);
                    for (int j = 0; j < neurons[l].Length; j++) neurons[l][j] += Math.Abs(batchNeurons[j]) + Math.Abs(preActivation[j]);
                }
                progress?.Invoke(i + 1, batches.Count);
            }
        }
        finally
        {
            model.zero_grad();
            model.train(wasTraining);
            foreach ((Linear linear, TorchLinearQuantizer? quantizer) in saved) TorchQuantizedModules.Attach(linear, quantizer);
            foreach (Probe probe in probes) probe.Dispose();
        }
        return new WidthImportance(heads, neurons);
    }

    /// <summary>
    /// The indices to keep, in increasing order: the ⌈<paramref name="width"/>·n⌉ (at least 1) most
    /// important, ties to the lower index.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">width is outside (0, 1].</exception>
    public static int[] Keep(IReadOnlyList<double> importance, double width)
    {
        ArgumentNullException.ThrowIfNull(importance);
        if (!(width > 0 && width <= 1)) throw new ArgumentOutOfRangeException(nameof(width), width, "The width must lie in (0, 1].");
        int count = KeptCount(importance.Count, width);
        return [.. Enumerable.Range(0, importance.Count).OrderByDescending(i => importance[i]).ThenBy(i => i).Take(count).Order()];
    }

    /// <summary>How many of <paramref name="n"/> units a width keeps: ⌈width·n⌉, at least 1.</summary>
    public static int KeptCount(int n, double width) => Math.Max(1, (int)Math.Ceiling(width * n - 1e-9));

    /// <summary>
    /// The half-width (or <paramref name="width"/>) student: per layer the <see cref="Keep"/> heads'
    /// Q/K/V rows and attention-output columns, the kept neurons' FFN-in rows and FFN-out columns,
    /// everything else (embeddings, LayerNorms, output biases, pooler, classifier, MLM head) copied;
    /// its configuration has the kept head and neuron counts and the teacher's head size.
    /// </summary>
    /// <exception cref="ArgumentException">The importance does not fit the teacher.</exception>
    public static TorchBertModel Prune(TorchBertModel teacher, WidthImportance importance, double width)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(importance);
        BertConfig c = teacher.Config;
        if (importance.Heads.Length != c.Layers || importance.Neurons.Length != c.Layers)
            throw new ArgumentException($"prune: importance for {importance.Heads.Length} layers, the teacher has {c.Layers}.");
        int d = c.AttentionHeadSize;
        BertConfig config = c with { Heads = KeptCount(c.Heads, width), HeadSize = d, Ffn = KeptCount(c.Ffn, width) };
        var heads = new long[c.Layers][];
        var neurons = new long[c.Layers][];
        for (int l = 0; l < c.Layers; l++)
        {
            if (importance.Heads[l].Length != c.Heads || importance.Neurons[l].Length != c.Ffn)
                throw new ArgumentException($"prune: layer {l} has {importance.Heads[l].Length} head and {importance.Neurons[l].Length} neuron scores for {c.Heads} heads and FFN {c.Ffn}.");
            heads[l] = [.. Keep(importance.Heads[l], width).SelectMany(h => Enumerable.Range(h * d, d)).Select(i => (long)i)];
            neurons[l] = [.. Keep(importance.Neurons[l], width).Select(i => (long)i)];
        }

        var student = new TorchBertModel(config);
        Dictionary<string, Tensor> source = teacher.NamedWeights().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach ((string name, Tensor p) in student.NamedWeights())
        {
            Tensor from = source[name];
            Match m = s_sliced.Match(name);
            if (m.Success)
            {
                int l = int.Parse(m.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture);
                bool head = m.Groups["linear"].Value.StartsWith("attention", StringComparison.Ordinal);
                using Tensor kept = tensor(head ? heads[l] : neurons[l], device: from.device);
                // Q/K/V and FFN in lose rows (and bias entries); attention output and FFN out lose columns (their bias stays whole).
                bool columns = m.Groups["linear"].Value is "attention.output" or "ffn.out";
                if (!columns) from = from.index_select(0, kept);
                else if (m.Groups["kind"].Value == "weight") from = from.index_select(1, kept);
            }
            p.copy_(from);
        }
        return student;
    }

    private static readonly Regex s_sliced = new(@"^layer\.(?<layer>\d+)\.(?<linear>attention\.(query|key|value|output)|ffn\.(in|out))\.(?<kind>weight|bias)$", RegexOptions.CultureInvariant);

    /// <summary>Per FFN-in row j, Σ w·∂L/∂w + b·∂L/∂b: the gradient of a mask on the neuron before its activation.</summary>
    private static double[] PreActivationMaskGradients(Linear linear)
    {
        using var scope = NewDisposeScope();
        Tensor? gw = linear.weight!.grad;
        if (gw is null) return new double[linear.weight.shape[0]];
        Tensor sums = (linear.weight.detach().to(ScalarType.Float64) * gw.to(ScalarType.Float64)).sum(1);
        if (linear.bias!.grad is { } gb) sums = sums + linear.bias.detach().to(ScalarType.Float64) * gb.to(ScalarType.Float64);
        return sums.cpu().data<double>().ToArray();
    }

    /// <summary>
    /// Watches one linear's input: adds a zero leaf z (x + z = x exactly), so after the backward pass
    /// ∂L/∂z = ∂L/∂x, and keeps a copy of x; both outlive the forward's dispose scope.
    /// </summary>
    private sealed class Probe : IDisposable
    {
        private Tensor? input;
        private Tensor? zero;

        public Tensor Watch(Tensor x)
        {
            Dispose();
            input = x.detach().clone().DetachFromDisposeScope();
            zero = zeros_like(x).requires_grad_(true).DetachFromDisposeScope();
            return x + zero;
        }

        /// <summary>Σ x·∂L/∂x over every position, per group of <paramref name="group"/> adjacent columns; then forgets the batch.</summary>
        public double[] TakeColumnSums(int group)
        {
            if (input is null || zero?.grad is not { } g) throw new InvalidOperationException("importance: a probed linear was not reached by the forward/backward pass.");
            using var scope = NewDisposeScope();
            long columns = input.shape[^1];
            Tensor sums = (input.to(ScalarType.Float64) * g.to(ScalarType.Float64)).reshape(-1, columns).sum(0L).view(columns / group, group).sum(1);
            double[] result = sums.cpu().data<double>().ToArray();
            Dispose();
            return result;
        }

        public void Dispose()
        {
            input?.Dispose();
            zero?.Dispose();
            input = zero = null;
        }
    }
}
