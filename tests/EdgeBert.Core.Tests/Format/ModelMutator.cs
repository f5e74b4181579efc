using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using EdgeBert.Format;
using EdgeBert.Kernels;

namespace EdgeBert.Core.Tests.Format;

/// <summary>
/// The structure-aware mutator of <see cref="ModelFuzzTests"/>: it changes a model where its
/// structure is (header fields, metadata values as JSON, vocabulary tokens, directory entries,
/// tensor values) and then recomputes every checksum, so each mutant reaches the parser, the
/// metadata validator, the tensor binder and the data checks rather than a CRC mismatch.
/// </summary>
internal static class ModelMutator
{
    /// <summary>The parts of the model a mutation targets.</summary>
    internal enum Target { Header, Metadata, Vocabulary, Directory, Data }

    /// <summary>One to three mutations of <paramref name="valid"/>; the file is resealed after each. Returns the bytes and a description.</summary>
    internal static (byte[] Bytes, string What) Mutate(byte[] valid, Random random)
    {
        var parts = EbmParts.FromValidCached(valid);
        var done = new List<string>();
        int count = random.Next(1, 4);
        var header = new List<(int Field, ulong Value)>();
        for (int i = 0; i < count; i++)
        {
            var target = (Target)random.Next(5);
            done.Add(target switch
            {
                Target.Header => HeaderField(header, parts, random),
                Target.Metadata => Metadata(parts, random),
                Target.Vocabulary => Vocabulary(parts, random),
                Target.Directory => EbmMutations.Structured(parts, random),
                _ => Data(parts, random),
            });
        }
        byte[] bytes;
        try
        {
            bytes = parts.Build();
        }
        catch (Exception e) when (e is OverflowException or ArgumentException)
        {
            // The assembler cannot encode it (a name over 65535 bytes): a truncated valid file instead.
            return (valid[..random.Next(valid.Length)], $"{string.Join("; ", done)} (unencodable: truncated instead)");
        }
        foreach (var (field, value) in header)
        {
            if (field == 20) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(field), (uint)value);
            else if (field is 16 or 18) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(field), (ushort)value);
            else BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(field), value);
        }
        if (header.Count > 0) EbmParts.ResealSections(bytes);
        return (bytes, string.Join("; ", done));
    }

    /// <summary>A header field (versions, tensor count, a section offset or length) set after assembly.</summary>
    private static string HeaderField(List<(int, ulong)> header, EbmParts parts, Random random)
    {
        int[] fields = [16, 18, 20, 24, 32, 40, 48, 56, 64, 72, 80];
        int field = fields[random.Next(fields.Length)];
        ulong[] values = [0, 1, 2, 7, 8, 64, 128, 255, 65535, (ulong)parts.Data.Length, int.MaxValue, uint.MaxValue, long.MaxValue, ulong.MaxValue];
        ulong value = random.Next(3) == 0 ? values[random.Next(values.Length)] : (ulong)random.Next(0, 4096);
        header.Add((field, value));
        return $"header field {field} = {value}";
    }

    /// <summary>One metadata value replaced, removed or duplicated, as JSON, so the text still parses and the validator judges it.</summary>
    private static string Metadata(EbmParts parts, Random random)
    {
        try
        {
            if (random.Next(8) != 0) return MetadataValue(parts, random);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // An earlier mutation left text that does not parse (JsonNode parses lazily): edit the text instead.
        }
        parts.Metadata = EbmMutations.MetadataText(parts.Metadata, random);
        return "metadata text edited";
    }

    private static string MetadataValue(EbmParts parts, Random random)
    {
        var root = JsonNode.Parse(parts.Metadata)!;
        var places = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
        Collect(root, "$", places);
        var (parent, key, index, path) = places[random.Next(places.Count)];
        JsonNode?[] replacements =
        [
            0, -1, 1, 2, 3, 7, 64, 513, 100_000, int.MaxValue, (long)int.MaxValue + 1, 1e-30, 1.5, double.MaxValue, -0.0,
            "", "x", "fp32", "w1a1", "binary", "softmax", "bi-attention", "gelu", "relu", "pooler", "cls", "mean", "[UNK]", "\u0000",
            true, false, null, new JsonArray(), new JsonObject(),
        ];
        string action;
        switch (random.Next(6))
        {
            case 0 when key is not null:
                ((JsonObject)parent).Remove(key);
                action = "removed";
                break;
            case 1 when key is null:
                var array = (JsonArray)parent;
                array.Add(array[index]?.DeepClone());
                action = "array element duplicated";
                break;
            case 2 when key is null:
                ((JsonArray)parent).RemoveAt(index);
                action = "array element removed";
                break;
            default:
                var value = replacements[random.Next(replacements.Length)]?.DeepClone();
                if (key is not null) parent[key] = value;
                else parent[index] = value;
                action = $"= {value?.ToJsonString() ?? "null"}";
                break;
        }
        parts.Metadata = Encoding.UTF8.GetBytes(root.ToJsonString());
        return $"metadata {path} {action}";
    }

    private static void Collect(JsonNode node, string path, List<(JsonNode, string?, int, string)> places)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj.ToList())
            {
                places.Add((obj, name, -1, $"{path}.{name}"));
                if (child is not null) Collect(child, $"{path}.{name}", places);
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                places.Add((array, null, i, $"{path}[{i}]"));
                if (array[i] is { } child) Collect(child, $"{path}[{i}]", places);
            }
        }
    }

    /// <summary>Tokens removed, duplicated, swapped, emptied, or given control or invalid bytes.</summary>
    private static string Vocabulary(EbmParts parts, Random random)
    {
        var tokens = Encoding.UTF8.GetString(parts.Vocabulary).TrimEnd('\n').Split('\n').ToList();
        int i = random.Next(tokens.Count), j = random.Next(tokens.Count);
        string what;
        switch (random.Next(8))
        {
            case 0: tokens.RemoveAt(i); what = $"token {i} removed"; break;
            case 1: tokens.Insert(i, tokens[j]); what = $"token {j} duplicated at {i}"; break;
            case 2: (tokens[i], tokens[j]) = (tokens[j], tokens[i]); what = $"tokens {i} and {j} swapped"; break;
            case 3: tokens[i] = ""; what = $"token {i} emptied"; break;
            case 4: tokens[i] += "\t"; what = $"token {i} with a control character"; break;
            case 5: tokens.Add($"new{random.Next()}"); what = "token added"; break;
            case 6: tokens[i] = new string('w', random.Next(1, 300)); what = $"token {i} replaced by a long word"; break;
            default:
                var raw = Encoding.UTF8.GetBytes(string.Join('\n', tokens) + "\n");
                raw[random.Next(raw.Length)] = (byte)random.Next(0x80, 0x100);
                parts.Vocabulary = raw;
                return "vocabulary byte >= 0x80";
        }
        parts.Vocabulary = Encoding.UTF8.GetBytes(string.Join('\n', tokens) + "\n");
        return $"vocabulary {what}";
    }

    /// <summary>Tensor values changed where a type's invariants live: floats (NaN, ±Inf, huge), padding, ternary planes; checksums resealed.</summary>
    private static string Data(EbmParts parts, Random random)
    {
        var e = parts.Entries[random.Next(parts.Entries.Count)];
        string name = Encoding.UTF8.GetString(e.Name);
        if (e.Offset > (ulong)parts.Data.Length || e.Length > (ulong)parts.Data.Length - e.Offset || e.Length < 4) return $"data of '{name}' unchanged (out of range)";
        var data = parts.Data.AsSpan((int)e.Offset, (int)e.Length);
        string what;
        switch ((EbmDType)e.DType, random.Next(3))
        {
            case (EbmDType.F32, 0):
                float[] floats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -1e30f, 1e-45f];
                float f = floats[random.Next(floats.Length)];
                BinaryPrimitives.WriteSingleLittleEndian(data[(4 * random.Next(data.Length / 4))..], f);
                what = $"f32 value {f}";
                break;
            case (EbmDType.F16, 0):
                Half h = random.Next(3) switch { 0 => Half.NaN, 1 => Half.PositiveInfinity, _ => Half.MaxValue };
                BinaryPrimitives.WriteHalfLittleEndian(data[(2 * random.Next(data.Length / 2))..], h);
                what = $"f16 value {h}";
                break;
            case (EbmDType.Binary or EbmDType.Ternary or EbmDType.I8, 0):
                data[^1] ^= (byte)(1 << random.Next(8)); // the last byte is padding unless K fills the row
                what = "last (padding) byte flipped";
                break;
            case (_, 1):
                data.Slice(random.Next(data.Length)).Fill((byte)random.Next(256));
                what = "tail filled with one byte";
                break;
            default:
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                what = "bit flipped";
                break;
        }
        // Recompute this tensor's checksum only (ResealData would also hide other mutations' offset damage).
        int index = parts.Entries.IndexOf(e);
        parts.Entries[index] = e with { Checksum = Crc32C.Compute(data) };
        return $"data of '{name}': {what}";
    }
}
