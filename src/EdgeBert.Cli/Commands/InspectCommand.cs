using System.CommandLine;
using System.Globalization;
using EdgeBert.Format;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert inspect FILE</c>: metadata, the tensor table, bits per weight and the size
/// against the FP32 equivalent. Loading validates the whole file (checksums included).
/// </summary>
internal static class InspectCommand
{
    internal static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .ebm model to describe." };
        var command = new Command("inspect", "Describe an .ebm model: metadata, tensors, bits per weight, size.") { file };
        command.SetAction(parseResult =>
        {
            string path = parseResult.GetValue(file)!;
            using var model = EbmFile.Open(path);
            Write(model, parseResult.InvocationConfiguration.Output);
            return Program.ExitOk;
        });
        return command;
    }

    internal static void Write(EbmFile model, TextWriter o)
    {
        var ci = CultureInfo.InvariantCulture;
        var m = model.Metadata;
        var a = m.Architecture;
        var t = m.Tokenizer;
        var p = m.Provenance;
        o.WriteLine($"model:        {model.Source}");
        o.WriteLine($"file:         {model.FileLength:N0} bytes, format version {model.FormatVersion}, packing version {model.PackingVersion}");
        o.WriteLine($"architecture: bert, vocab {a.VocabSize}, hidden {a.HiddenSize}, layers {a.Layers}, heads {a.Heads}{(a.HeadSize is int d ? $" × {d}" : "")}, ffn {a.FfnSize}, max positions {a.MaxPositions}, type vocab {a.TypeVocabSize}");
        o.WriteLine(string.Create(ci, $"              activation {Name(a.Activation)}, attention {Name(a.Attention)}, layernorm eps {a.LayerNormEps:G3}, pooling {Name(a.Pooling)}"));
        o.WriteLine($"layers:       {DescribeSchemes(m.Layers)}");
        o.WriteLine($"labels:       {(m.Labels.Count == 0 ? "(none: encoder only)" : string.Join(", ", m.Labels))}");
        o.WriteLine($"tokenizer:    {model.Vocabulary.Count} tokens, lowercase {Yes(t.Lowercase)}, strip accents {Yes(t.StripAccents)}, CJK split {Yes(t.TokenizeChineseChars)}, max length {t.MaxLength}");
        o.WriteLine($"              specials {t.ClsToken} {t.SepToken} {t.PadToken} {t.UnkToken} {t.MaskToken}, continuation '{t.ContinuationPrefix}'");
        o.WriteLine($"provenance:   trainer {Or(p.TrainerVersion)}, method {Name(p.Method)}, task {Or(p.Task)}, " +
            $"teacher {Score(p.TeacherScore, p.Metric)}, student {Score(p.StudentScore, p.Metric)}");
        if (!string.IsNullOrEmpty(p.Notes)) o.WriteLine($"notes:        {p.Notes}");
        o.WriteLine();

        var tensors = model.Tensors;
        int nameWidth = Math.Max(4, tensors.Count == 0 ? 0 : tensors.Max(x => x.Name.Length));
        string Row(string name, string dtype, string shape, string scales, string bytes, string bits) =>
            $"{name.PadRight(nameWidth)}  {dtype,-7}  {shape,-14}  {scales,-13}  {bytes,12}  {bits,7}";
        o.WriteLine(Row("name", "dtype", "shape", "scales", "bytes", "bits/w"));
        long parameters = 0, dataBytes = 0, scaleBytes = 0;
        foreach (var x in tensors)
        {
            parameters += x.ElementCount;
            dataBytes += x.Length;
            scaleBytes += 4L * x.Scales.Length;
            o.WriteLine(Row(x.Name, x.DType.ToString().ToLowerInvariant(), $"[{string.Join(", ", x.Shape)}]", Granularity(x),
                x.Length.ToString("N0", ci), x.BitsPerValue.ToString("F2", ci)));
        }
        o.WriteLine();
        long fp32 = parameters * 4;
        double bitsPerWeight = parameters == 0 ? 0 : (dataBytes + scaleBytes) * 8.0 / parameters;
        o.WriteLine($"total:        {tensors.Count} tensors, {parameters.ToString("N0", ci)} parameters, " +
            $"{dataBytes.ToString("N0", ci)} bytes of tensor data + {scaleBytes.ToString("N0", ci)} bytes of scales");
        o.WriteLine(string.Create(ci, $"bits/weight:  {bitsPerWeight:F2} (scales and row padding included)"));
        o.WriteLine(string.Create(ci,
            $"size:         {model.FileLength:N0} bytes; FP32 equivalent {fp32:N0} bytes; compression {(double)fp32 / model.FileLength:F2}x"));
    }

    private static string DescribeSchemes(IReadOnlyList<LayerScheme> layers)
    {
        // Runs of identical layers collapse: "0-11: W1A1 bibert".
        var parts = new List<string>();
        for (int i = 0; i < layers.Count;)
        {
            int j = i;
            while (j + 1 < layers.Count && layers[j + 1] == layers[i]) j++;
            var s = layers[i];
            parts.Add($"{(i == j ? $"{i}" : $"{i}-{j}")}: W{s.WeightBits}A{s.ActivationBits} {Name(s.Method)}");
            i = j + 1;
        }
        return string.Join("; ", parts);
    }

    private static string Granularity(EbmTensorInfo x) => x.ScaleKind switch
    {
        EbmScaleKind.PerRow => $"per-row ({x.Scales.Length})",
        EbmScaleKind.PerTensor => "per-tensor",
        _ => "-",
    };

    private static string Name<T>(T value) where T : struct, Enum => value switch
    {
        AttentionKind.BiAttention => "bi-attention",
        QuantMethod.TwoStage => "two-stage",
        _ => value.ToString().ToLowerInvariant(),
    };

    private static string Yes(bool value) => value ? "yes" : "no";

    private static string Or(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    private static string Score(double? value, string? metric) =>
        value is double v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.####}{(metric is null ? "" : " " + metric)}") : "-";
}
