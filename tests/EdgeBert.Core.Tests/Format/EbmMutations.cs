using System.Text;

namespace EdgeBert.Core.Tests.Format;

/// <summary>
/// Structured defects for the fuzz tests: each changes one part of a model taken apart into
/// <see cref="EbmParts"/>, so the reassembled file is well sealed (checksums recomputed) and
/// reaches the parser's and validator's checks instead of stopping at a CRC.
/// </summary>
internal static class EbmMutations
{
    /// <summary>One defect in a directory entry, the data (resealed), the metadata text, the vocabulary bytes or the tensor count; returns what it did.</summary>
    internal static string Structured(EbmParts p, Random random)
    {
        int index = random.Next(p.Entries.Count);
        var e = p.Entries[index];
        ulong[] absurd = [0, 1, 7, 63, 64, 65, (ulong)p.Data.Length, int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, long.MaxValue, ulong.MaxValue];
        ulong Absurd() => absurd[random.Next(absurd.Length)];
        switch (random.Next(16))
        {
            case 0:
                var dims = (ulong[])e.Dims.Clone();
                dims[random.Next(dims.Length)] = Absurd();
                p.Entries[index] = e with { Dims = dims };
                return $"entry {index} dims [{string.Join(", ", dims)}]";
            case 1:
                p.Entries[index] = e with { Dims = [.. e.Dims, (ulong)random.Next(1, 4)] };
                return $"entry {index} extra dimension";
            case 2:
                ulong offset = random.Next(3) switch { 0 => Absurd(), 1 => p.Entries[random.Next(p.Entries.Count)].Offset, _ => e.Offset + (ulong)random.Next(-128, 128) };
                p.Entries[index] = e with { Offset = offset };
                return $"entry {index} offset {offset}";
            case 3:
                ulong length = random.Next(2) == 0 ? Absurd() : e.Length + (ulong)random.Next(-70, 70);
                p.Entries[index] = e with { Length = length };
                return $"entry {index} length {length}";
            case 4:
                byte dtype = (byte)random.Next(0, 8);
                p.Entries[index] = e with { DType = dtype };
                return $"entry {index} dtype {dtype}";
            case 5:
                byte kind = (byte)random.Next(0, 4);
                p.Entries[index] = e with { ScaleKind = kind };
                return $"entry {index} scale kind {kind}";
            case 6:
                byte rank = (byte)random.Next(0, 256);
                p.Entries[index] = e with { RankOverride = rank };
                return $"entry {index} rank {rank}";
            case 7:
                int other = random.Next(p.Entries.Count);
                p.Entries[index] = e with { Name = p.Entries[other].Name };
                return $"entry {index} named like entry {other}";
            case 8:
                var name = (byte[])e.Name.Clone();
                name[random.Next(name.Length)] = (byte)random.Next(0x80, 0x100);
                p.Entries[index] = e with { Name = name };
                return $"entry {index} name with byte >= 0x80";
            case 9:
                var longName = new byte[random.Next(2) == 0 ? 0 : random.Next(250, 600)];
                longName.AsSpan().Fill((byte)'n');
                p.Entries[index] = e with { Name = longName };
                return $"entry {index} name of {longName.Length} bytes";
            case 10:
                float[] scales = random.Next(3) switch
                {
                    0 => [],
                    1 => [.. e.Scales, 1f],
                    _ => e.Scales.Select(s => random.Next(4) == 0 ? float.NaN : s).ToArray(),
                };
                p.Entries[index] = e with { Scales = scales };
                return $"entry {index} {scales.Length} scales";
            case 11:
                p.Data[random.Next(p.Data.Length)] ^= (byte)(1 << random.Next(8));
                p.ResealData();
                return "data bit flip with checksums recomputed";
            case 12:
                p.Metadata = MetadataText(p.Metadata, random);
                return "metadata JSON edited";
            case 13:
                var vocab = (byte[])p.Vocabulary.Clone();
                vocab[random.Next(vocab.Length)] = (byte)(random.Next(3) switch { 0 => '\n', 1 => 0xC3, _ => random.Next(256) });
                p.Vocabulary = vocab;
                return "vocabulary byte replaced";
            case 14:
                p.TensorCount = (uint)Math.Max(0, p.Entries.Count + random.Next(-2, 3));
                return $"tensor count {p.TensorCount}";
            default:
                p.Entries.Insert(random.Next(p.Entries.Count + 1), p.Entries[index]);
                return $"entry {index} duplicated";
        }
    }

    /// <summary>Edits JSON text where it hurts: numbers, strings, brackets, truncation.</summary>
    internal static byte[] MetadataText(byte[] json, Random random)
    {
        string text = Encoding.UTF8.GetString(json);
        string[] replacements = ["0", "-1", "1e309", "99999999999", "null", "\"x\"", "[]", "{}", "true", "\"\\ud800\"", "1.5", "\"bi-attention\""];
        switch (random.Next(4))
        {
            case 0:
            {
                // Replace one value (the text after a ':' up to the next ',' or newline).
                var colons = Enumerable.Range(0, text.Length).Where(i => text[i] == ':').ToArray();
                int at = colons[random.Next(colons.Length)] + 1;
                int end = text.IndexOfAny([',', '\n'], at + 1);
                if (end < 0) end = text.Length;
                text = text[..at] + " " + replacements[random.Next(replacements.Length)] + text[end..];
                break;
            }
            case 1:
                text = text[..random.Next(text.Length)];
                break;
            case 2:
            {
                int at = random.Next(text.Length);
                text = text[..at] + "{[\"\\,:"[random.Next(6)] + text[at..];
                break;
            }
            default:
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            }
        }
        return Encoding.UTF8.GetBytes(text);
    }
}
