using EdgeBert.Tooling;
using System.CommandLine;
using System.Globalization;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Trainer.Training;
using EdgeBert.Trainer.Data.Tasks;
using Spectre.Console;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train calibrate --ebm model.ebm --dev dev.jsonl --out calibrated.ebm</c>: runs the
/// runtime on the dev examples (as <c>edgebert classify</c> reads them: long texts over windows),
/// fits the temperature T of least negative log-likelihood (<see cref="TemperatureScaling"/>) and
/// writes a copy of the model whose metadata carries <c>"calibration": {"temperature": T}</c>: the
/// same tensors byte for byte, fresh checksums. Prints NLL and ECE (15 bins) on dev before and after.
/// </summary>
public static class CalibrateCommand
{
    /// <summary>Creates the command; output goes to <paramref name="console"/> (the process console when null).</summary>
    public static Command Create(IAnsiConsole? console = null)
    {
        var ebm = CommandSupport.Required<string>("--ebm", "The .ebm model to calibrate.");
        var dev = CommandSupport.Required<string>("--dev", "Labelled dev examples (.jsonl or .tsv); never the test split.");
        var output = CommandSupport.Required<string>("--out", "Where to write the calibrated .ebm (may not be --ebm itself).");
        var view = new Option<string?>("--view") { Description = "Fit on the examples of this view only (the JSONL \"view\" member); default: every example." };
        var truncate = new Option<bool>("--truncate") { Description = "Cut long texts instead of reading them over windows (as edgebert classify --truncate)." };
        var command = new Command("calibrate", "Fit a calibration temperature on dev and write it into a copy of an .ebm.") { ebm, dev, output, view, truncate };
        command.SetAction(parse =>
        {
            IAnsiConsole ui = console ?? AnsiConsole.Console;
            return CommandSupport.Guard(ui, () =>
            {
                string source = parse.GetValue(ebm)!, target = parse.GetValue(output)!;
                if (string.Equals(Path.GetFullPath(source), Path.GetFullPath(target), StringComparison.Ordinal))
                {
                    throw new ArgumentException($"--out {target} is the model being read; write the calibrated copy elsewhere.");
                }
                string? only = parse.GetValue(view);
                var examples = TaskFile.Read(parse.GetValue(dev)!).Where(e => only is null || e.View == only).ToList();
                if (examples.Count == 0) throw new ArgumentException(only is null ? "--dev has no examples." : $"--dev has no examples of view '{only}'.");

                var (logits, labels, fittedOn) = Score(source, examples, parse.GetValue(truncate));
                double temperature = TemperatureScaling.Fit(logits, labels);
                using (var file = EbmFile.Open(source))
                {
                    var calibration = new Calibration
                    {
                        Temperature = temperature,
                        FittedOn = $"{Path.GetFileName(parse.GetValue(dev))}{(only is null ? "" : $" view {only}")}, {examples.Count} examples, {fittedOn}",
                    };
                    var writer = EbmWriter.CopyOf(file, file.Metadata with { Calibration = calibration });
                    writer.WriteTo(target);
                }
                var ci = CultureInfo.InvariantCulture;
                ui.MarkupLine(Markup.Escape(string.Create(ci, $"temperature {temperature:G6} fitted on {examples.Count} dev examples ({fittedOn})")));
                ui.MarkupLine(Markup.Escape(string.Create(ci,
                    $"dev NLL {TemperatureScaling.NegativeLogLikelihood(logits, labels, 1):F4} → {TemperatureScaling.NegativeLogLikelihood(logits, labels, temperature):F4}, " +
                    $"ECE (15 bins) {Ece(logits, labels, 1):F4} → {Ece(logits, labels, temperature):F4}")));
                ui.MarkupLine(Markup.Escape($"wrote {target}"));
                return Program.ExitOk;
            });
        });
        return command;
    }

    /// <summary>The runtime's logits and the label indices of the examples, and how long texts were read.</summary>
    private static (List<float[]> Logits, List<int> Labels, string Reading) Score(string path, IReadOnlyList<Data.LabeledExample> examples, bool truncate)
    {
        using var model = RuntimeModel.Load(path);
        if (model.Labels.Count == 0) throw new ArgumentException($"{path} has no labels: nothing to calibrate.");
        if (model.Metadata.Calibration is not null) throw new ArgumentException($"{path} is calibrated already (T = {model.Temperature}); calibrate the uncalibrated model.");
        var options = new SessionOptions { Overlong = truncate ? OverlongInput.Truncate : OverlongInput.Windows };
        var session = model.CreateSession(options);
        var logits = new List<float[]>(examples.Count);
        var labels = new List<int>(examples.Count);
        foreach (var example in examples)
        {
            if (example.TextPair is not null) throw new ArgumentException("Sentence pairs are not supported by calibrate.");
            int label = LabelIndex(model.Labels, example.Label);
            var z = new float[model.Labels.Count];
            session.Classify(example.Text, z);
            logits.Add(z);
            labels.Add(label);
        }
        return (logits, labels, truncate ? "long texts truncated" : $"long texts over windows, {options.Aggregation}");
    }

    private static int LabelIndex(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label) return i;
        }
        if (int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < labels.Count) return index;
        throw new ArgumentException($"Label '{label}' is neither one of the model's labels ({string.Join(", ", labels)}) nor an index below {labels.Count}.");
    }

    private static double Ece(List<float[]> logits, List<int> labels, double temperature)
    {
        var confidence = new double[logits.Count];
        var correct = new bool[logits.Count];
        var probabilities = new double[logits[0].Length];
        for (int i = 0; i < logits.Count; i++)
        {
            Probabilities.Softmax(logits[i], (float)temperature, probabilities);
            int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits[i]);
            confidence[i] = probabilities[predicted];
            correct[i] = predicted == labels[i];
        }
        return CalibrationError.Expected(confidence, correct);
    }
}
