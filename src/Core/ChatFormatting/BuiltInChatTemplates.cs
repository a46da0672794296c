namespace TuningService.Core.ChatFormatting;

/// <summary>
/// The chat templates a job can name with <c>chat_template</c> for a base model that ships none. Each is the common
/// form of its family's template, reduced to what a fine-tuning conversation needs (roles and content); a model that
/// ships its own template is better served by that one, which is the default.
/// </summary>
public static class BuiltInChatTemplates
{
    public const string ChatMl = "chatml";
    public const string Llama3 = "llama3";
    public const string Plain = "plain";

    public static IReadOnlyList<string> Names { get; } = [ChatMl, Llama3, Plain];

    /// <summary>ChatML, as Qwen and SmolLM write it: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>.</summary>
    public const string ChatMlSource =
        "{%- for message in messages %}" +
        "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
        "{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /// <summary>Llama 3's header format, with each content trimmed as Meta's template does.</summary>
    public const string Llama3Source =
        "{{- bos_token }}" +
        "{%- for message in messages %}" +
        "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}" +
        "{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";

    /// <summary>The text that ends an assistant turn in a built-in template, to stop generation at when the tokenizer has no such token.</summary>
    public static string? EndOfTurn(string name) => name switch
    {
        ChatMl => "<|im_end|>",
        Llama3 => "<|eot_id|>",
        _ => null,
    };

    /// <summary>The source of a built-in template, or null for <see cref="Plain"/> and for names that are not built in.</summary>
    public static string? Source(string name) => name switch
    {
        ChatMl => ChatMlSource,
        Llama3 => Llama3Source,
        _ => null,
    };
}
