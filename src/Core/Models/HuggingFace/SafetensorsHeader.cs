using System.Buffers.Binary;
using System.Text.Json;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Sizes from a safetensors file's JSON header alone (8-byte little-endian length, then the JSON), without reading
/// any tensor data. PyBridge's reader loads the whole file, which is what describing a model must avoid.
/// </summary>
public static class SafetensorsHeader
{
    // A header describes tensors, not data: far below this even for the largest public checkpoints.
    const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Elements and data bytes of every tensor in the file (shape product × dtype size).</summary>
    public static WeightsSummary Read(string path)
    {
        long elements = 0, bytes = 0;
        foreach (var tensor in Tensors(path))
        {
            elements += tensor.Elements;
            bytes += checked(tensor.Elements * ElementSize(tensor.Dtype, tensor.Name, path));
        }
        return new WeightsSummary(elements, bytes);
    }

    /// <summary>Every tensor the file holds (name, dtype, shape), in header order, read from the header alone.</summary>
    public static IReadOnlyList<SafetensorsTensor> Tensors(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        file.ReadExactly(prefix);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length == 0 || length > (ulong)MaxHeaderBytes || (long)length > file.Length - 8)
            throw new InvalidDataException($"'{path}' is not a safetensors file: header length {length} does not fit the file.");
        var header = new byte[length];
        file.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        var tensors = new List<SafetensorsTensor>();
        foreach (var tensor in json.RootElement.EnumerateObject())
        {
            if (tensor.Name == "__metadata__") continue;
            tensors.Add(new SafetensorsTensor(tensor.Name, tensor.Value.GetProperty("dtype").GetString() ?? "",
                [.. tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())]));
        }
        return tensors;
    }

    static long ElementSize(string dtype, string tensor, string path) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "F8_E4M3" or "F8_E5M2" or "I8" or "U8" or "BOOL" => 1,
        _ => throw new InvalidDataException($"'{path}': tensor '{tensor}' has dtype '{dtype}', which this service does not know."),
    };
}
