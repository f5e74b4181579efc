using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// The bookkeeping of <see cref="QuantizeBinaryBertCommand"/>'s stage directories: a stage is done
/// when its <c>done</c> file exists, its result is <c>best/</c>, which loads with the split halves
/// and LSQ steps its file holds.
/// </summary>
internal static class BinaryBertStages
{
    private const string DoneFile = "done";

    /// <summary>Loads OUT/stage/best with <paramref name="install"/>'s quantizers (which create the split halves and LSQ steps its file holds).</summary>
    internal static TorchBertModel LoadBest(string stageDir, Action<TorchBertModel>? install) =>
        TorchStudentExport.LoadStudent(Path.Combine(stageDir, "best"), install);

    /// <summary>A new model of <paramref name="config"/> holding <paramref name="from"/>'s weights (e.g. the ReLU copy of a GELU model).</summary>
    internal static TorchBertModel Copy(TorchBertModel from, BertConfig config)
    {
        var to = new TorchBertModel(config);
        Dictionary<string, Tensor> source = from.NamedWeights().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach ((string name, Tensor p) in to.NamedWeights()) p.copy_(source[name]);
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
