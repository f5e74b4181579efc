namespace EdgeBert.Format;

/// <summary>
/// Checks metadata for consistency: sizes in sane ranges (so nothing downstream allocates a
/// huge buffer from a corrupt number), one scheme per layer, tokens the tokenizer needs present
/// in the vocabulary. Every defect is a <see cref="ModelFormatException"/> naming the field.
/// </summary>
internal static class EbmMetadataValidator
{
    internal const int MaxVocab = 4_000_000;
    internal const int MaxHidden = 65_536;
    internal const int MaxLayers = 1_024;
    internal const int MaxFfn = 1 << 20;
    internal const int MaxPositions = 1 << 20;
    internal const int MaxTypeVocab = 1_024;
    internal const int MaxLabels = 100_000;

    /// <summary>Throws when <paramref name="metadata"/> cannot describe a usable model.</summary>
    /// <param name="metadata">Parsed metadata (nulls may still appear inside lists).</param>
    /// <param name="vocabulary">The tokens stored in the file, or null to skip the vocabulary checks.</param>
    /// <param name="source">File name for the message.</param>
    internal static void Validate(EbmMetadata metadata, IReadOnlyList<string>? vocabulary, string source)
    {
        void Fail(string what, string field) => throw new ModelFormatException(source, what, $"metadata, {field}");
        void Range(int value, int min, int max, string field)
        {
            if (value < min || value > max) Fail($"{field} is {value}, expected {min}..{max}", field);
        }

        var a = metadata.Architecture;
        if (a is null) Fail("architecture is missing", "architecture");
        Range(a!.VocabSize, 1, MaxVocab, "architecture.vocabSize");
        Range(a.HiddenSize, 1, MaxHidden, "architecture.hiddenSize");
        Range(a.Layers, 1, MaxLayers, "architecture.layers");
        if (a.HeadSize is int headSize)
        {
            Range(headSize, 1, MaxHidden, "architecture.headSize");
            Range(a.Heads, 1, MaxHidden, "architecture.heads");
            if ((long)a.Heads * headSize > MaxHidden)
            {
                Fail($"architecture.heads {a.Heads} × headSize {headSize} exceeds {MaxHidden}", "architecture.headSize");
            }
            if (a.Attention == AttentionKind.BiAttention && (long)a.Heads * headSize != a.HiddenSize)
            {
                Fail($"bi-attention needs heads × headSize = hiddenSize ({a.Heads} × {headSize} ≠ {a.HiddenSize})", "architecture.headSize");
            }
        }
        else
        {
            Range(a.Heads, 1, a.HiddenSize, "architecture.heads");
            if (a.HiddenSize % a.Heads != 0)
            {
                Fail($"architecture.heads {a.Heads} does not divide hiddenSize {a.HiddenSize} (set headSize for a width-pruned model)", "architecture.heads");
            }
        }
        Range(a.FfnSize, 1, MaxFfn, "architecture.ffnSize");
        Range(a.MaxPositions, 1, MaxPositions, "architecture.maxPositions");
        Range(a.TypeVocabSize, 1, MaxTypeVocab, "architecture.typeVocabSize");
        if (!float.IsFinite(a.LayerNormEps) || a.LayerNormEps <= 0 || a.LayerNormEps >= 1)
        {
            Fail($"architecture.layerNormEps is {a.LayerNormEps}, expected a number in (0, 1)", "architecture.layerNormEps");
        }
        if (!Enum.IsDefined(a.Activation)) Fail($"unknown activation {a.Activation}", "architecture.activation");
        if (!Enum.IsDefined(a.Attention)) Fail($"unknown attention {a.Attention}", "architecture.attention");
        if (!Enum.IsDefined(a.Pooling)) Fail($"unknown pooling {a.Pooling}", "architecture.pooling");

        if (metadata.Layers is null) Fail("layers is missing", "layers");
        if (metadata.Layers!.Count != a.Layers)
        {
            Fail($"{metadata.Layers.Count} layer schemes for {a.Layers} layers; there must be one per layer", "layers");
        }
        for (int i = 0; i < metadata.Layers.Count; i++)
        {
            var s = metadata.Layers[i];
            if (s is null) { Fail("layer scheme is null", $"layers[{i}]"); continue; }
            if (!LayerScheme.AllowedBits.Contains(s.WeightBits))
            {
                Fail($"weightBits {s.WeightBits} is not one of {string.Join(", ", LayerScheme.AllowedBits)}", $"layers[{i}].weightBits");
            }
            if (!LayerScheme.AllowedBits.Contains(s.ActivationBits))
            {
                Fail($"activationBits {s.ActivationBits} is not one of {string.Join(", ", LayerScheme.AllowedBits)}", $"layers[{i}].activationBits");
            }
            if (!Enum.IsDefined(s.Method)) Fail($"unknown method {s.Method}", $"layers[{i}].method");
        }

        if (metadata.Labels is null) Fail("labels is missing", "labels");
        if (metadata.Labels!.Count > MaxLabels) Fail($"{metadata.Labels.Count} labels, at most {MaxLabels}", "labels");
        var seenLabels = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < metadata.Labels.Count; i++)
        {
            string? label = metadata.Labels[i];
            if (string.IsNullOrEmpty(label)) Fail("label is empty", $"labels[{i}]");
            else if (!seenLabels.Add(label)) Fail($"label '{label}' appears twice", $"labels[{i}]");
        }

        var t = metadata.Tokenizer;
        if (t is null) Fail("tokenizer is missing", "tokenizer");
        Range(t!.MaxLength, 2, a.MaxPositions, "tokenizer.maxLength");
        Range(t.MaxCharsPerWord, 1, 1 << 16, "tokenizer.maxCharsPerWord");
        if (string.IsNullOrEmpty(t.ContinuationPrefix)) Fail("continuationPrefix is empty", "tokenizer.continuationPrefix");
        (string? Token, string Field)[] specials =
        [
            (t.UnkToken, "tokenizer.unkToken"), (t.ClsToken, "tokenizer.clsToken"), (t.SepToken, "tokenizer.sepToken"),
            (t.PadToken, "tokenizer.padToken"), (t.MaskToken, "tokenizer.maskToken"),
        ];
        foreach (var (token, field) in specials)
        {
            if (string.IsNullOrEmpty(token)) Fail($"{field} is empty", field);
            // Five scans of the list: a set of a 30k-token vocabulary for five look-ups cost more (start-up time).
            else if (vocabulary is not null && !Contains(vocabulary, token)) Fail($"special token '{token}' is not in the vocabulary", field);
        }
        if (vocabulary is not null && vocabulary.Count != a.VocabSize)
        {
            Fail($"architecture.vocabSize is {a.VocabSize} but the file stores {vocabulary.Count} tokens", "architecture.vocabSize");
        }

        var p = metadata.Provenance;
        if (p is null) Fail("provenance is missing", "provenance");
        if (p!.TrainerVersion is null) Fail("trainerVersion is missing", "provenance.trainerVersion");
        if (!Enum.IsDefined(p.Method)) Fail($"unknown method {p.Method}", "provenance.method");
        if (p.TeacherScore is double ts && !double.IsFinite(ts)) Fail("teacherScore is not finite", "provenance.teacherScore");
        if (p.StudentScore is double ss && !double.IsFinite(ss)) Fail("studentScore is not finite", "provenance.studentScore");

        // Float32 logits divided by T: beyond these bounds the probabilities are all 0/1 or all equal.
        if (metadata.Calibration is { } c && !(c.Temperature >= MinTemperature && c.Temperature <= MaxTemperature))
        {
            Fail($"calibration.temperature is {c.Temperature}, expected {MinTemperature}..{MaxTemperature}", "calibration.temperature");
        }
    }

    internal const double MinTemperature = 0.01;
    internal const double MaxTemperature = 100;

    /// <summary>
    /// The shape a tensor with a conventional name must have under <paramref name="a"/>,
    /// or null for a name without a convention (or a layer index past the model).
    /// </summary>
    internal static int[]? ExpectedShape(string name, BertArchitecture a, int labelCount)
    {
        int h = a.HiddenSize, w = a.AttentionWidth;
        switch (name)
        {
            case "embeddings.word" or "embeddings.word.split": return [a.VocabSize, h];
            case "embeddings.position": return [a.MaxPositions, h];
            case "embeddings.token_type": return [a.TypeVocabSize, h];
            case "embeddings.ln.gamma" or "embeddings.ln.beta": return [h];
            case "pooler.weight" or "pooler.weight_split": return [h, h];
            case "pooler.bias": return [h];
            case "classifier.weight": return labelCount > 0 ? [labelCount, h] : null;
            case "classifier.bias": return labelCount > 0 ? [labelCount] : null;
        }
        if (!name.StartsWith("layer.", StringComparison.Ordinal)) return null;
        int dot = name.IndexOf('.', 6);
        if (dot < 0 || !int.TryParse(name.AsSpan(6, dot - 6), System.Globalization.NumberStyles.None, null, out int layer) || layer >= a.Layers)
        {
            return null;
        }
        return name[(dot + 1)..] switch
        {
            "attention.query.weight" or "attention.key.weight" or "attention.value.weight" => [w, h],
            "attention.query.weight_split" or "attention.key.weight_split" or "attention.value.weight_split" => [w, h],
            "attention.query.bias" or "attention.key.bias" or "attention.value.bias" => [w],
            "attention.output.weight" or "attention.output.weight_split" => [h, w],
            "attention.output.bias" => [h],
            "attention.ln.gamma" or "attention.ln.beta" or "ffn.ln.gamma" or "ffn.ln.beta" => [h],
            "ffn.in.weight" or "ffn.in.weight_split" => [a.FfnSize, h],
            "ffn.in.bias" => [a.FfnSize],
            "ffn.out.weight" or "ffn.out.weight_split" => [h, a.FfnSize],
            "ffn.out.bias" => [h],
            _ => null,
        };
    }

    private static bool Contains(IReadOnlyList<string> vocabulary, string token)
    {
        for (int i = 0; i < vocabulary.Count; i++)
        {
            if (string.Equals(vocabulary[i], token, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
