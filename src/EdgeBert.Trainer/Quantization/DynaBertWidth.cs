using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Training;

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
    public static WidthImportance Score(BertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int padId, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("importance: no examples to score heads and neurons on.");
        if (model.Classifier is null) throw new ArgumentException("importance: the model has no classifier; fine-tune it first.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int layers = model.Layers.Count;
        var heads = new double[layers][];
        var neurons = new double[layers][];
        var batchHeads = new double[layers][];
        var batchNeurons = new double[layers][];
        var saved = new List<(Linear Linear, Func<Tensor, Tensor>? Transform)>();
        for (int l = 0; l < layers; l++)
        {
            BertLayer layer = model.Layers[l];
            int h = layer.Attention.Heads, d = layer.Attention.HeadSize, f = layer.Ffn.In.Weight.Dim(0);
            heads[l] = new double[h];
            neurons[l] = new double[f];
            batchHeads[l] = new double[h];
            batchNeurons[l] = new double[f];
            saved.Add((layer.Attention.Output, layer.Attention.Output.InputTransform));
            saved.Add((layer.Ffn.Out, layer.Ffn.Out.InputTransform));
            layer.Attention.Output.InputTransform = Probe(layer.Attention.Output.InputTransform, batchHeads[l], d);
            layer.Ffn.Out.InputTransform = Probe(layer.Ffn.Out.InputTransform, batchNeurons[l], 1);
        }

        bool wasTraining = model.Training;
        model.Training = false;
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
                foreach (double[] a in batchHeads) Array.Clear(a);
                foreach (double[] a in batchNeurons) Array.Clear(a);
                model.ZeroGrad();
                BertOutput output = model.Forward(batches[i]);
                Ops.CrossEntropy(output.Logits!, batches[i].Labels).Backward();
                for (int l = 0; l < layers; l++)
                {
                    Linear ffnIn = model.Layers[l].Ffn.In;
                    for (int j = 0; j < heads[l].Length; j++) heads[l][j] += Math.Abs(batchHeads[l][j]);
                    for (int j = 0; j < neurons[l].Length; j++) neurons[l][j] += Math.Abs(batchNeurons[l][j]) + Math.Abs(PreActivationMaskGradient(ffnIn, j));
                }
                progress?.Invoke(i + 1, batches.Count);
            }
        }
        finally
        {
            model.ZeroGrad();
            model.Training = wasTraining;
            foreach ((Linear linear, Func<Tensor, Tensor>? transform) in saved) linear.InputTransform = transform;
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
    /// A new model of <paramref name="width"/> (0.5 for BinaryBERT) initialised from
    /// <paramref name="teacher"/>: in every layer the kept heads' Q/K/V rows and output columns and
    /// the kept FFN neurons' in rows and out columns; everything else copied. Hidden size and
    /// head size are unchanged, so the config gets an explicit <see cref="BertConfig.HeadSize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The importance does not match the teacher's shape.</exception>
    public static BertModel Prune(BertModel teacher, WidthImportance importance, double width, long seed)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(importance);
        BertConfig c = teacher.Config;
        if (importance.Heads.Length != c.Layers || importance.Neurons.Length != c.Layers)
            throw new ArgumentException($"prune: importance for {importance.Heads.Length} layers, the teacher has {c.Layers}.");
        int d = c.AttentionHeadSize;
        int keptHeads = KeptCount(c.Heads, width), keptNeurons = KeptCount(c.Ffn, width);
        BertConfig config = c with { Heads = keptHeads, HeadSize = d, Ffn = keptNeurons };
        var student = new BertModel(config, new TrainingRandom((ulong)seed));
        var source = teacher.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var sliced = new HashSet<string>(StringComparer.Ordinal);
        for (int l = 0; l < c.Layers; l++)
        {
            if (importance.Heads[l].Length != c.Heads || importance.Neurons[l].Length != c.Ffn)
                throw new ArgumentException($"prune: layer {l} has {importance.Heads[l].Length} head and {importance.Neurons[l].Length} neuron scores for {c.Heads} heads and FFN {c.Ffn}.");
            int[] headRows = [.. Keep(importance.Heads[l], width).SelectMany(h => Enumerable.Range(h * d, d))];
            int[] neurons = Keep(importance.Neurons[l], width);
            BertLayer to = student.Layers[l];
            BertLayer from = teacher.Layers[l];
            foreach ((Linear t, Linear f) in new[] { (to.Attention.Query, from.Attention.Query), (to.Attention.Key, from.Attention.Key), (to.Attention.Value, from.Attention.Value) })
            {
                CopyRows(f, t, headRows);
            }
            CopyColumns(from.Attention.Output, to.Attention.Output, headRows);
            CopyRows(from.Ffn.In, to.Ffn.In, neurons);
            CopyColumns(from.Ffn.Out, to.Ffn.Out, neurons);
            foreach (string n in new[] { "attention.query", "attention.key", "attention.value", "attention.output", "ffn.in", "ffn.out" })
            {
                sliced.Add($"layer.{l}.{n}.weight");
                sliced.Add($"layer.{l}.{n}.bias");
            }
        }
        foreach ((string name, Tensor p) in student.NamedParameters())
        {
            if (sliced.Contains(name)) continue;
            source[name].Data.CopyTo(p.Data, 0);
        }
        return student;
    }

    /// <summary>∂L/∂m for a mask on row <paramref name="row"/>'s pre-activation: Σ_k w·∂L/∂w + b·∂L/∂b (0 without gradients).</summary>
    private static double PreActivationMaskGradient(Linear linear, int row)
    {
        float[]? g = linear.Weight.Grad;
        if (g is null) return 0;
        int k = linear.Weight.Dim(1);
        double sum = 0;
        for (int c = 0; c < k; c++) sum += (double)linear.Weight.Data[row * k + c] * g[row * k + c];
        if (linear.Bias?.Grad is { } gb) sum += (double)linear.Bias.Data[row] * gb[row];
        return sum;
    }

    private static void CopyRows(Linear from, Linear to, int[] rows)
    {
        int k = from.Weight.Dim(1);
        for (int r = 0; r < rows.Length; r++)
        {
            from.Weight.Data.AsSpan(rows[r] * k, k).CopyTo(to.Weight.Data.AsSpan(r * k, k));
            if (from.Bias is not null && to.Bias is not null) to.Bias.Data[r] = from.Bias.Data[rows[r]];
        }
    }

    private static void CopyColumns(Linear from, Linear to, int[] columns)
    {
        int n = from.Weight.Dim(0), k = from.Weight.Dim(1), kept = columns.Length;
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < kept; c++) to.Weight.Data[r * kept + c] = from.Weight.Data[r * k + columns[c]];
        }
        from.Bias?.Data.CopyTo(to.Bias!.Data, 0);
    }

    /// <summary>
    /// An identity on the linear's input whose backward adds Σ x·g over each group of
    /// <paramref name="group"/> consecutive columns into <paramref name="sums"/> (∂L/∂m of the
    /// unit's mask), then passes the gradient on.
    /// </summary>
    private static Func<Tensor, Tensor> Probe(Func<Tensor, Tensor>? inner, double[] sums, int group)
    {
        var op = new CustomOp("importance_probe",
            inputs => new CustomResult((float[])inputs[0].Data.Clone(), inputs[0].ShapeArray()),
            context =>
            {
                ReadOnlySpan<float> x = context.Inputs[0].Data, g = context.OutputGrad;
                int columns = context.Inputs[0].Dim(-1);
                for (int i = 0; i < x.Length; i++) sums[(i % columns) / group] += (double)x[i] * g[i];
                if (!context.NeedsGrad(0)) return;
                Span<float> dx = context.InputGrad(0);
                for (int i = 0; i < dx.Length; i++) dx[i] += g[i];
            });
        return x => op.Apply(inner is null ? x : inner(x));
    }
}
