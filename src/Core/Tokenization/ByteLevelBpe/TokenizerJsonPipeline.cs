using System.Text.Json;

namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>
/// The parts of tokenizer.json around the model: normalizer, pre_tokenizer, decoder and post_processor. Only the
/// GPT-2 pipeline is accepted, because it is the one <see cref="Gpt2PreTokenizer"/> and the library's byte-level
/// BPE reproduce; any other step would be silently skipped and give the model ids it was not trained on.
/// </summary>
internal static class TokenizerJsonPipeline
{
    public static void EnsureByteLevel(JsonElement root, string path)
    {
        if (Step(root, "normalizer") is { } normalizer)
        {
            throw new NotSupportedException($"'{path}': normalizer {Describe(normalizer)} is not supported; only GPT-2-style byte-level BPE without a normalizer is.");
        }

        var preTokenizer = Step(root, "pre_tokenizer");
        if (preTokenizer is not { } pre || Type(pre) != "ByteLevel")
        {
            throw new NotSupportedException($"'{path}': pre_tokenizer {Describe(preTokenizer)} is not supported; only ByteLevel (GPT-2's) is.");
        }

        // tokenizers' ByteLevel defaults both flags to true when a file leaves them out.
        if (Flag(pre, "add_prefix_space") ?? true)
        {
            throw new NotSupportedException($"'{path}': ByteLevel pre_tokenizer with add_prefix_space is not supported.");
        }

        if (!(Flag(pre, "use_regex") ?? true))
        {
            throw new NotSupportedException($"'{path}': ByteLevel pre_tokenizer without GPT-2's regex (use_regex false) is not supported.");
        }

        var decoder = Step(root, "decoder");
        if (decoder is not { } dec || Type(dec) != "ByteLevel")
        {
            throw new NotSupportedException($"'{path}': decoder {Describe(decoder)} is not supported; only ByteLevel is.");
        }
    }

    /// <summary>
    /// The special token a TemplateProcessing post-processor (alone or in a Sequence) puts before a single
    /// sequence: that is the model's BOS, added to every sequence. Null when there is none.
    /// </summary>
    public static string? TemplateBosToken(JsonElement root)
    {
        var processors = Step(root, "post_processor") is { } processor
            ? Type(processor) == "Sequence" && processor.TryGetProperty("processors", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().ToList()
                : [processor]
            : [];

        foreach (var step in processors.Where(step => Type(step) == "TemplateProcessing"))
        {
            if (step.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array && single.GetArrayLength() > 0
                && single[0].TryGetProperty("SpecialToken", out var special) && special.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString();
            }
        }

        return null;
    }

    private static JsonElement? Step(JsonElement root, string name) =>
        root.TryGetProperty(name, out var step) && step.ValueKind == JsonValueKind.Object ? step : null;

    private static string? Type(JsonElement step) =>
        step.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static bool? Flag(JsonElement step, string name) =>
        step.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>"none", "Metaspace", or "Sequence[Split, ByteLevel]" for a sequence of steps.</summary>
    private static string Describe(JsonElement? step)
    {
        if (step is not { } value)
        {
            return "none";
        }

        var type = Type(value) ?? "(untyped)";
        var inner = new[] { "pretokenizers", "normalizers", "decoders" }
            .Select(key => value.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array ? list : (JsonElement?)null)
            .FirstOrDefault(list => list is not null);
        return inner is { } steps ? $"{type}[{string.Join(", ", steps.EnumerateArray().Select(s => Type(s) ?? "(untyped)"))}]" : type;
    }
}
