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
        Write(path, tensors.Select(t => (t.Key, t.Value.dtype, t.Value.shape)).ToList(), name => tensors[name].alias(), metadata);
    }

    /// <summary>
    /// Writes tensors described by <paramref name="layout"/>, each made by <paramref name="produce"/> only when its turn
    /// comes and freed once written (everything <paramref name="produce"/> creates is disposed), so a checkpoint whose
    /// tensors are computed (merged LoRA weights) never holds more than one of them.
    /// </summary>
    internal static void Write(string path, IReadOnlyList<(string Name, ScalarType Dtype, long[] Shape)> layout,
        Func<string, Tensor> produce, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(produce);
        var ordered = layout.OrderByDescending(t => DtypeRank(t.Name, t.Dtype)).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var header = Header(ordered, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header);
        foreach (var (name, dtype, shape) in ordered)
        {
            using var scope = NewDisposeScope();
            var tensor = produce(name);
            if (tensor.dtype != dtype || !tensor.shape.SequenceEqual(shape))
                throw new InvalidOperationException($"Tensor '{name}' came out {tensor.dtype} [{string.Join(", ", tensor.shape)}], its header says {dtype} [{string.Join(", ", shape)}].");
            WriteData(file, tensor);
        }
        file.Flush(flushToDisk: true);
    }

    private static byte[] Header(List<(string Name, ScalarType Dtype, long[] Shape)> ordered, IReadOnlyDictionary<string, string>? metadata)
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
            foreach (var (name, dtype, shape) in ordered)
            {
                var bytes = shape.Aggregate(1L, (n, d) => n * d) * ElementSize(dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", Dtypes[DtypeRank(name, dtype)].Name);
                json.WriteStartArray("shape");
                foreach (var size in shape) json.WriteNumberValue(size);
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

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static int DtypeRank(string name, ScalarType type)
    {
        var rank = Array.FindIndex(Dtypes, d => d.Type == type);
        return rank >= 0 ? rank : throw new NotSupportedException($"Tensor '{name}' has dtype {type}, which safetensors output here does not support.");
    }
}
