using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace EdgeBert.Trainer.Checkpoints;

/// <summary>One tensor read from a safetensors file, converted to float32.</summary>
/// <param name="DType">The stored dtype (F32, F16 or BF16).</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Values">The values, row-major.</param>
public sealed record SafeTensor(string DType, int[] Shape, float[] Values);

/// <summary>
/// The safetensors format (HuggingFace): an 8-byte little-endian header length, a JSON header
/// mapping each name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative
/// to the data after the header) plus an optional <c>__metadata__</c> string map, then the data.
/// Written with F32 only; read with F32, F16 and BF16.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (HF's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes float32 tensors in the given order (the file is the same for the same input).</summary>
    /// <exception cref="ArgumentException">A name repeats or a shape does not match its values.</exception>
    public static void Write(string path, IEnumerable<(string Name, int[] Shape, float[] Values)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach ((string k, string v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach ((string name, int[] shape, float[] values) in list)
            {
                if (!names.Add(name) || name == "__metadata__") throw new ArgumentException($"safetensors: tensor name '{name}' repeats or is reserved.");
                long count = shape.Aggregate(1L, (a, d) => a * d);
                if (shape.Any(d => d < 0) || count != values.Length)
                {
                    throw new ArgumentException($"safetensors: '{name}' has shape [{string.Join(",", shape)}] but {values.Length} values.");
                }

                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + 4L * values.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += 4L * values.Length;
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces to a multiple of 8 so the data is aligned (as HF does).
        while (headerStream.Length % 8 != 0) headerStream.WriteByte((byte)' ');
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerStream.Length);
        file.Write(length);
        headerStream.Position = 0;
        headerStream.CopyTo(file);
        foreach ((_, _, float[] values) in list)
        {
            if (BitConverter.IsLittleEndian)
            {
                file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                var buffer = new byte[4];
                foreach (float v in values)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
                    file.Write(buffer);
                }
            }
        }
    }

    /// <summary>Reads every tensor, converting F16 and BF16 to float32.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is malformed (the message says what and where).</exception>
    public static Dictionary<string, SafeTensor> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        return Read(bytes, path);
    }

    /// <summary>Reads a safetensors image held in memory; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file.</exception>
    public static Dictionary<string, SafeTensor> Read(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8) throw new InvalidDataException($"{source}: not a safetensors file ({bytes.Length} bytes, shorter than the 8-byte header length).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
        {
            throw new InvalidDataException($"{source}: safetensors header length {headerLength} does not fit the {bytes.Length}-byte file.");
        }

        ReadOnlySpan<byte> data = bytes[(8 + (int)headerLength)..];
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes.Slice(8, (int)headerLength)));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the safetensors header is not valid JSON: {e.Message}", e);
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: the safetensors header is not a JSON object.");
            var result = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
            foreach (JsonProperty entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                result[entry.Name] = ReadTensor(entry, data, source);
            }

            return result;
        }
    }

    private static SafeTensor ReadTensor(JsonProperty entry, ReadOnlySpan<byte> data, string source)
    {
        string where = $"{source}: tensor '{entry.Name}'";
        try
        {
            JsonElement e = entry.Value;
            string dtype = e.GetProperty("dtype").GetString() ?? "";
            int[] shape = [.. e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];
            long[] offsets = [.. e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64())];
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
            {
                throw new InvalidDataException($"{where}: data_offsets [{string.Join(",", offsets)}] are outside the {data.Length} data bytes.");
            }

            if (shape.Any(d => d < 0)) throw new InvalidDataException($"{where}: negative dimension in [{string.Join(",", shape)}].");
            long count = shape.Aggregate(1L, (a, d) => a * d);
            int width = dtype switch
            {
                "F32" => 4,
                "F16" or "BF16" => 2,
                _ => throw new InvalidDataException($"{where}: dtype {dtype} is not supported (F32, F16, BF16)."),
            };
            if (count * width != offsets[1] - offsets[0])
            {
                throw new InvalidDataException($"{where}: shape [{string.Join(",", shape)}] of {dtype} needs {count * width} bytes, the offsets span {offsets[1] - offsets[0]}.");
            }

            ReadOnlySpan<byte> raw = data[(int)offsets[0]..(int)offsets[1]];
            var values = new float[count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]),
                    "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16),
                };
            }

            return new SafeTensor(dtype, shape, values);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{where}: malformed header entry ({ex.Message}).", ex);
        }
    }
}
