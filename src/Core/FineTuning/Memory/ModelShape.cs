using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.FineTuning.Memory;

/// <summary>
/// What a memory plan needs to know of a model, read without loading it: the dimensions from config.json and every
/// stored tensor's name and shape from the safetensors headers (so LoRA's targets, the quantizable weights and the
/// largest block are counted from the real tensors, not guessed from the config).
/// </summary>
public sealed partial record ModelShape
{
    public required string ModelType { get; init; }
    public required bool IsEncoderDecoder { get; init; }
    public required long Hidden { get; init; }
    /// <summary>Blocks that see the input positions (an encoder-decoder model's encoder; 0 for a decoder-only model).</summary>
    public required int EncoderLayers { get; init; }
    /// <summary>Blocks that see the predicted positions (the decoder; all blocks of a decoder-only model).</summary>
    public required int DecoderLayers { get; init; }
    /// <summary>The MLP's inner width.</summary>
    public required long Intermediate { get; init; }
    public required long Heads { get; init; }
    /// <summary>Keys' (and values') width per position: key/value heads × head width (grouped-query attention makes it smaller).</summary>
    public required long KeyValueWidth { get; init; }
    /// <summary>Queries' width per position: attention heads × head width (the hidden width unless the config sets head_dim apart).</summary>
    public long AttentionWidth { get; init; }
    public required long Vocabulary { get; init; }
    /// <summary>A gated MLP (Llama's gate·up) keeps two inner-width tensors more per position than GPT-2's one.</summary>
    public required bool GatedMlp { get; init; }
    /// <summary>
    /// Attention probabilities (positions × positions per head) kept for the backward pass: T5 computes attention by
    /// hand (its position bias), GPT-2 with attention dropout takes SDPA's math path; Llama-like models use the fused
    /// kernel, which keeps none.
    /// </summary>
    public required bool KeepsAttentionProbabilities { get; init; }
    /// <summary>
    /// Widths per position per block that pass through dropout while training, each keeping its mask for the
    /// backward pass: T5's attention output, feed-forward inner and output (and the decoder's cross-attention output);
    /// GPT-2's two residual dropouts; none for Llama-like models (attention_dropout 0).
    /// </summary>
    public long DropoutWidths { get; init; }

    public required IReadOnlyList<SafetensorsTensor> Tensors { get; init; }
    /// <summary>The weights' bytes as stored (the loader reads all of them at once).</summary>
    public required long StoredBytes { get; init; }

    public long Parameters => Tensors.Sum(t => t.Elements);

    /// <summary>Matrices of linear layers: 2-D weights that are not embedding tables.</summary>
    public IEnumerable<SafetensorsTensor> LinearWeights => Tensors.Where(t => t.Shape.Count == 2 && t.Name.EndsWith(".weight", StringComparison.Ordinal) && !IsEmbedding(t.Name));

    /// <summary>The linear weights quantization stores small: all but the output head (bitsandbytes' default skip list, as QLoRA).</summary>
    public long QuantizableParameters => LinearWeights.Where(t => !IsOutputHead(t.Name)).Sum(t => t.Elements);

    /// <summary>Elements of the largest weight quantization would take (0 when there is none).</summary>
    public long LargestQuantizableWeight => LinearWeights.Where(t => !IsOutputHead(t.Name)).Select(t => t.Elements).DefaultIfEmpty(0).Max();

    /// <summary>The most parameters one optimizer group holds: a block (layers.N, h.N, block.N) or a tensor outside the blocks.</summary>
    public long LargestBlockParameters => Tensors.GroupBy(t => BlockPrefix().Match(t.Name) is { Success: true } m ? m.Value : t.Name)
        .Max(g => g.Sum(t => t.Elements));

    /// <summary>Adapter parameters LoRA of rank <paramref name="rank"/> adds on <paramref name="targets"/> (PEFT's matching).</summary>
    public long LoraParameters(int rank, IReadOnlyList<string>? targets)
    {
        var names = targets ?? Lora.LoraTargets.DefaultFor(ModelType);
        var allLinear = names is [Lora.LoraConfig.AllLinear];
        return LinearWeights
            .Where(t => allLinear ? !IsOutputHead(t.Name) : Lora.LoraTargets.Matches(ModulePath(t.Name), names))
            .Sum(t => (long)rank * (t.Shape[0] + t.Shape[1]));
    }

    /// <summary>The input widths of the layers LoRA wraps in one block, summed: each keeps its (dropped-out) input per
    /// position for the adapter's backward pass. nn.Linear stores [out, in]; GPT-2's Conv1D [in, out].</summary>
    public long LoraInputWidths(IReadOnlyList<string>? targets)
    {
        var names = targets ?? Lora.LoraTargets.DefaultFor(ModelType);
        var allLinear = names is [Lora.LoraConfig.AllLinear];
        // Per block: the targets of one block, counted once (the blocks are alike).
        return LinearWeights
            .Where(t => allLinear ? !IsOutputHead(t.Name) : Lora.LoraTargets.Matches(ModulePath(t.Name), names))
            .Where(t => BlockPrefix().IsMatch(t.Name))
            .Sum(t => ModelType == "gpt2" ? t.Shape[0] : t.Shape[1]) / Math.Max(1, EncoderLayers + DecoderLayers);
    }

    /// <summary>The layers LoRA wraps in one block (each keeps its A's rank-wide output for B's backward pass).</summary>
    public long LoraLayersPerBlock(IReadOnlyList<string>? targets)
    {
        var names = targets ?? Lora.LoraTargets.DefaultFor(ModelType);
        var allLinear = names is [Lora.LoraConfig.AllLinear];
        return LinearWeights
            .Where(t => allLinear ? !IsOutputHead(t.Name) : Lora.LoraTargets.Matches(ModulePath(t.Name), names))
            .Count(t => BlockPrefix().IsMatch(t.Name)) / Math.Max(1, EncoderLayers + DecoderLayers);
    }

    static string ModulePath(string tensorName) => tensorName[..^".weight".Length];

    static bool IsOutputHead(string name) => ModulePath(name).EndsWith(Lora.LoraTargets.OutputHead, StringComparison.Ordinal);

    static bool IsEmbedding(string name) =>
        name.Contains("embed", StringComparison.Ordinal) || name.Contains("wte", StringComparison.Ordinal) || name.Contains("wpe", StringComparison.Ordinal)
        || name.StartsWith("shared.", StringComparison.Ordinal) || name.Contains("relative_attention_bias", StringComparison.Ordinal);

    [GeneratedRegex(@"^.*?\.(layers|h|block)\.\d+\.")]
    private static partial Regex BlockPrefix();

    /// <summary>Reads config.json and the safetensors headers of a Hugging Face model folder.</summary>
    /// <exception cref="InvalidDataException">No safetensors weights, or a config without the dimensions a plan needs.</exception>
    public static ModelShape Read(string folder)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, PretrainedModelLoader.ConfigFile)))?.AsObject()
            ?? throw new InvalidDataException($"'{folder}': config.json is empty.");
        var files = CheckpointReader.WeightFiles(folder);
        if (files.Any(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
            throw new InvalidDataException($"'{folder}' holds PyTorch pickles: a memory plan reads safetensors headers.");
        var tensors = files.SelectMany(SafetensorsHeader.Tensors).ToList();
        var stored = files.Select(SafetensorsHeader.Read).Sum(s => s.Bytes);
        return FromConfig(json, tensors, stored);
    }

    /// <summary>The shape from a parsed config.json and the tensor list (what <see cref="Read"/> reads from disk).</summary>
    public static ModelShape FromConfig(JsonObject config, IReadOnlyList<SafetensorsTensor> tensors, long storedBytes)
    {
        ArgumentNullException.ThrowIfNull(config);
        var type = Text(config, "model_type") ?? "";
        var hidden = Number(config, "hidden_size", "d_model", "n_embd") ?? throw Missing("hidden_size");
        var heads = Number(config, "num_attention_heads", "num_heads", "n_head") ?? throw Missing("num_attention_heads");
        var headWidth = Number(config, "head_dim", "d_kv") ?? hidden / heads;
        var kvHeads = Number(config, "num_key_value_heads") ?? heads;
        var vocabulary = Number(config, "vocab_size") ?? throw Missing("vocab_size");
        if (type == "t5")
        {
            var encoder = (int)(Number(config, "num_layers") ?? 6);
            return new ModelShape
            {
                ModelType = type, IsEncoderDecoder = true, Hidden = hidden, EncoderLayers = encoder,
                DecoderLayers = (int)(Number(config, "num_decoder_layers") ?? encoder), Intermediate = Number(config, "d_ff") ?? 4 * hidden,
                Heads = heads, KeyValueWidth = heads * headWidth, AttentionWidth = heads * headWidth, Vocabulary = vocabulary,
                GatedMlp = (Text(config, "feed_forward_proj") ?? "relu").StartsWith("gated", StringComparison.Ordinal),
                KeepsAttentionProbabilities = true, Tensors = tensors, StoredBytes = storedBytes,
                DropoutWidths = (Fraction(config, "dropout_rate") ?? 0.1) > 0 ? 2 * hidden + (Number(config, "d_ff") ?? 4 * hidden) : 0,
            };
        }
        var gpt2 = type == "gpt2";
        return new ModelShape
        {
            ModelType = type, IsEncoderDecoder = false, Hidden = hidden, EncoderLayers = 0,
            DecoderLayers = (int)(Number(config, "num_hidden_layers", "n_layer") ?? throw Missing("num_hidden_layers")),
            Intermediate = Number(config, "intermediate_size", "n_inner") ?? 4 * hidden, Heads = heads,
            KeyValueWidth = kvHeads * headWidth, AttentionWidth = heads * headWidth, Vocabulary = vocabulary, GatedMlp = !gpt2,
            KeepsAttentionProbabilities = gpt2 && (Fraction(config, "attn_pdrop") ?? 0.1) > 0,
            Tensors = tensors, StoredBytes = storedBytes,
            DropoutWidths = gpt2 && (Fraction(config, "resid_pdrop") ?? 0.1) > 0 ? 2 * hidden : 0,
        };

        InvalidDataException Missing(string key) => new($"config.json has no {key}: the memory plan needs the model's dimensions.");
    }

    static long? Number(JsonObject config, params string[] keys) =>
        keys.Select(k => config[k]).OfType<JsonValue>().Select(Integer).FirstOrDefault(n => n is not null);

    /// <summary>A value parsed from a file converts to any number type; one built in code (a JsonObject literal) only to its own.</summary>
    static long? Integer(JsonValue value) =>
        value.TryGetValue<long>(out var l) ? l : value.TryGetValue<int>(out var i) ? i : null;

    static double? Fraction(JsonObject config, string key) => config[key] is JsonValue v && v.TryGetValue<double>(out var x) ? x : null;

    static string? Text(JsonObject config, string key) => config[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
