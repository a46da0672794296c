using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

// Writes a Hugging Face model folder of a real model's shape with random bf16 weights, one tensor at a time (the
// model is never in memory): config.json + model.safetensors. For measuring loading and training at size without
// downloading weights.
//   dotnet bench/SyntheticCheckpoint/bin/Release/net10.0/SyntheticCheckpoint.dll FOLDER [tinyllama-1.1b|llama-160m] [seed]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: SyntheticCheckpoint FOLDER [tinyllama-1.1b|llama-160m] [seed]");
    return 2;
}
var folder = args[0];
var shape = args.Length > 1 ? args[1] : "tinyllama-1.1b";
var seed = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
var config = Shapes.Config(shape);

// The module's tensor names and shapes, from the family's own module built on the meta device (no memory).
var family = ModelFamilies.Resolve(config);
set_default_device(torch.device(DeviceType.META));
List<(string Name, long[] Shape)> tensors;
using (var meta = family.CreateModel(family.ParseConfig(config)))
    tensors = meta.state_dict().Select(e => (e.Key, e.Value.shape)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
set_default_device(CPU);

Directory.CreateDirectory(folder);
File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
long offset = 0;
foreach (var (name, dims) in tensors)
{
    var bytes = dims.Aggregate(2L, (n, d) => n * d);
    header[name] = new JsonObject
    {
        ["dtype"] = "BF16",
        ["shape"] = new JsonArray(dims.Select(d => (JsonNode)d).ToArray()),
        ["data_offsets"] = new JsonArray(offset, offset + bytes),
    };
    offset += bytes;
}
var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
var padded = headerBytes.Concat(Enumerable.Repeat((byte)' ', (8 - headerBytes.Length % 8) % 8)).ToArray();
using (var file = new FileStream(Path.Combine(folder, "model.safetensors"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
{
    Span<byte> length = stackalloc byte[8];
    BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded.Length);
    file.Write(length);
    file.Write(padded);
    using var generator = new Generator((ulong)seed, CPU);
    foreach (var (name, dims) in tensors)
    {
        using var scope = NewDisposeScope();
        // normal(0, 0.02) for matrices (Llama's initializer_range), ones for the norms: activations of a trained size.
        var values = dims.Length >= 2 ? (randn(dims, generator: generator) * 0.02).to(ScalarType.BFloat16) : ones(dims, ScalarType.BFloat16);
        file.Write(values.contiguous().bytes);
    }
}
Console.WriteLine($"{folder}: {shape}, {tensors.Sum(t => t.Shape.Aggregate(1L, (n, d) => n * d)):N0} parameters, {offset / (1024.0 * 1024 * 1024):F2} GiB of bf16");
return 0;

/// <summary>The shapes this generator knows, as config.json objects.</summary>
internal static class Shapes
{
    public static JsonObject Config(string name) => name switch
    {
        // TinyLlama-1.1B's config.json (issue 16's model): hidden 2048, 22 layers, intermediate 5632, 32 heads, 4 kv heads.
        "tinyllama-1.1b" => Llama(hidden: 2048, layers: 22, intermediate: 5632, heads: 32, kvHeads: 4, vocab: 32000),
        "llama-160m" => Llama(hidden: 768, layers: 12, intermediate: 3072, heads: 12, kvHeads: 12, vocab: 32000),
        _ => throw new ArgumentException($"Unknown shape '{name}': tinyllama-1.1b or llama-160m."),
    };

    private static JsonObject Llama(int hidden, int layers, int intermediate, int heads, int kvHeads, int vocab) => new()
    {
        ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["hidden_size"] = hidden, ["num_hidden_layers"] = layers, ["intermediate_size"] = intermediate,
        ["num_attention_heads"] = heads, ["num_key_value_heads"] = kvHeads, ["vocab_size"] = vocab,
        ["max_position_embeddings"] = 2048, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["hidden_act"] = "silu",
        ["tie_word_embeddings"] = false, ["torch_dtype"] = "bfloat16", ["bos_token_id"] = 1, ["eos_token_id"] = 2,
    };
}
