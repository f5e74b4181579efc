using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// The bookkeeping of <see cref="QuantizeBinaryBertCommand"/>'s stage directories: a stage is done
/// when its <c>done</c> file exists, its result is <c>best/</c>, which loads with the split halves
/// and LSQ steps its file holds.
/// </summary>
internal static class BinaryBertStages
{
    private const string DoneFile = "done";

    /// <summary>
    /// Loads OUT/stage/best; a split model gets its second halves, an A4 model its LSQ steps,
    /// before the weights are read (so every tensor of the file has a parameter to go to).
    /// </summary>
    internal static BertModel LoadBest(string stageDir, bool split, long seed)
    {
        string best = Path.Combine(stageDir, "best");
        var model = new BertModel(ModelDirectory.ReadConfig(best), new TrainingRandom((ulong)seed));
        string file = Path.Combine(best, ModelDirectory.WeightsFile);
        var tensors = SafeTensors.Read(file);
        if (split) TernaryWeightSplit.AddEmptyHalves(model);
        if (tensors.Keys.Any(k => k.EndsWith(".act_scale", StringComparison.Ordinal))) BinaryBertQuantization.AddActivationScales(model);
        ModelDirectory.LoadWeights(model, tensors, file, ["mlm."]);
        return model;
    }

    internal static BertModel Copy(BertModel from, BertConfig config, long seed)
    {
        var to = new BertModel(config, new TrainingRandom((ulong)seed));
        var source = from.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        foreach ((string name, Tensor p) in to.NamedParameters()) source[name].Data.CopyTo(p.Data, 0);
        return to;
    }

    internal static bool IsDone(string stageDir) => File.Exists(Path.Combine(stageDir, DoneFile));

    internal static void MarkDone(string stageDir)
    {
        Directory.CreateDirectory(stageDir);
        File.WriteAllText(Path.Combine(stageDir, DoneFile), DateTime.UtcNow.ToString("O") + "\n");
    }

    internal static string ImportanceJson(WidthImportance importance)
    {
        static string Rows(double[][] rows) => "[" + string.Join(",", rows.Select(row => "[" + string.Join(",", row.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]";
        return $"{{\"heads\":{Rows(importance.Heads)},\"neurons\":{Rows(importance.Neurons)}}}\n";
    }
}
