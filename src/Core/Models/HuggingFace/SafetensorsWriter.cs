using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Writes a safetensors file byte for byte as the reference Rust implementation (used by HF save_pretrained)
/// does: tensors ordered by dtype alignment (descending) then name, `__metadata__` first in a compact JSON
/// header, the header padded with spaces to a multiple of 8. Written here rather than with
/// TorchSharp.PyBridge's SaveStateDict, which writes no `__metadata__` (transformers refuses files without
/// format "pt"), does not order or pad, and sizes the header in UTF-16 characters instead of bytes.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Safetensors dtypes in the reference implementation's alignment order (lowest first).</summary>
    private static readonly (ScalarType Type, string Name)[] Dtypes =
    [
        (ScalarType.Bool, "BOOL"), (ScalarType.Byte, "U8"), (ScalarType.Int8, "I8"), (ScalarType.Int16, "I16"),
        (ScalarType.Float16, "F16"), (ScalarType.BFloat16, "BF16"), (ScalarType.Int32, "I32"),
        (ScalarType.Float32, "F32"), (ScalarType.Float64, "F64"), (ScalarType.Int64, "I64"),
    ];

    private const long ChunkElements = 1 << 26; // keeps each span copied to the file well under 2 GB

    /// <summary>Writes <paramref name="tensors"/> (any device, stored dtype kept) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors.OrderByDescending(t => DtypeRank(t.Key, t.Value.dtype))
            .ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var header = Header(ordered, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header);
        foreach (var (_, tensor) in ordered)
            WriteData(file, tensor);
        file.Flush(flushToDisk: true);
    }

    private static byte[] Header(List<KeyValuePair<string, Tensor>> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                var bytes = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", Dtypes[DtypeRank(name, tensor.dtype)].Name);
                json.WriteStartArray("shape");
                foreach (var size in tensor.shape) json.WriteNumberValue(size);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        var padding = (8 - buffer.Length % 8) % 8;
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteData(Stream file, Tensor tensor)
    {
        using var flat = tensor.detach().cpu().contiguous().reshape(-1);
        for (long start = 0; start < flat.numel(); start += ChunkElements)
        {
            using var chunk = flat.narrow(0, start, Math.Min(ChunkElements, flat.numel() - start)).contiguous();
            file.Write(chunk.bytes);
        }
    }

    private static int DtypeRank(string name, ScalarType type)
    {
        var rank = Array.FindIndex(Dtypes, d => d.Type == type);
        return rank >= 0 ? rank : throw new NotSupportedException($"Tensor '{name}' has dtype {type}, which safetensors output here does not support.");
    }
}
