using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// A safetensors file read one tensor at a time: the header is parsed once and each <see cref="Read"/> copies one
/// tensor's bytes from the file straight into a new CPU tensor, so loading a model never holds the whole file in
/// memory (PyBridge's reader loads the file whole, then the model copies it: two copies of every weight at once).
/// Written here because neither TorchSharp nor PyBridge reads a single tensor.
/// </summary>
internal sealed class SafetensorsFile
{
    // A header describes tensors, not data: far below this even for the largest public checkpoints.
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private const int ChunkBytes = 1 << 26; // each read well under the 2 GB span limit

    private readonly Dictionary<string, (ScalarType Dtype, long[] Shape, long Begin, long End)> entries;
    private readonly long dataStart;

    private SafetensorsFile(string path, Dictionary<string, (ScalarType, long[], long, long)> entries, long dataStart)
    {
        Path = path;
        this.entries = entries;
        this.dataStart = dataStart;
    }

    public string Path { get; }

    public IReadOnlyCollection<string> Names => entries.Keys;

    public ScalarType DtypeOf(string name) => entries[name].Dtype;

    public static SafetensorsFile Open(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> prefix = stackalloc byte[8];
            file.ReadExactly(prefix);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (length == 0 || length > (ulong)MaxHeaderBytes || (long)length > file.Length - 8)
                throw new InvalidDataException($"header length {length} does not fit the file");
            var header = new byte[length];
            file.ReadExactly(header);
            using var json = JsonDocument.Parse(header);
            var entries = new Dictionary<string, (ScalarType, long[], long, long)>(StringComparer.Ordinal);
            var dataBytes = file.Length - 8 - (long)length;
            foreach (var tensor in json.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__") continue;
                var dtype = Dtype(tensor.Value.GetProperty("dtype").GetString() ?? "", tensor.Name);
                var shape = tensor.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = tensor.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var bytes = shape.Aggregate(1L, (n, d) => checked(n * d)) * ElementSize(dtype);
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] - offsets[0] != bytes || offsets[1] > dataBytes)
                    throw new InvalidDataException($"tensor '{tensor.Name}' has data offsets that do not fit its shape and dtype or the file");
                entries.Add(tensor.Name, (dtype, shape, offsets[0], offsets[1]));
            }
            return new SafetensorsFile(path, entries, 8 + (long)length);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or InvalidDataException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a readable safetensors file: {e.Message}", e);
        }
    }

    /// <summary>A new CPU tensor holding <paramref name="name"/> as stored (its dtype).</summary>
    public Tensor Read(string name)
    {
        var (dtype, shape, begin, _) = entries[name];
        var result = empty(shape, dtype);
        try
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            file.Position = dataStart + begin;
            using var flat = result.view(-1);
            var elementSize = ElementSize(dtype);
            var elementsPerChunk = Math.Max(1, ChunkBytes / elementSize);
            for (long start = 0; start < flat.numel(); start += elementsPerChunk)
            {
                using var chunk = flat.narrow(0, start, Math.Min(elementsPerChunk, flat.numel() - start));
                file.ReadExactly(chunk.bytes); // the span is the tensor's own memory
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static ScalarType Dtype(string name, string tensor) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"tensor '{tensor}' has dtype '{name}', which this service does not read"),
    };

    private static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
