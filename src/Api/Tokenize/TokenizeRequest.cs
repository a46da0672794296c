using System.Text.Json.Nodes;

namespace TuningService.Api.Tokenize;

/// <summary>
/// POST /tokenize, as vLLM's: either a prompt ({model, prompt, add_special_tokens}) or a conversation ({model,
/// messages, add_generation_prompt, continue_final_message, tools, chat_template, chat_template_kwargs,
/// add_special_tokens}); return_token_strs for either.
/// </summary>
public sealed class TokenizeRequest
{
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }

    /// <summary>Text to tokenize (not with messages).</summary>
    /// <example>Once upon a time</example>
    public string? Prompt { get; set; }

    /// <summary>A conversation, rendered as /v1/chat/completions renders it (not with prompt).</summary>
    public JsonArray? Messages { get; set; }

    /// <summary>
    /// Add the tokenizer's special tokens (transformers' add_special_tokens): BOS for Llama-style tokenizers, EOS for
    /// T5. Default: true for a prompt; for messages false with a chat template (it writes BOS itself) and true for the
    /// plain layout, so the ids are exactly what /v1/chat/completions gives the model.
    /// </summary>
    public bool? AddSpecialTokens { get; set; }

    /// <summary>End with the assistant's opening (messages only; default true).</summary>
    public bool? AddGenerationPrompt { get; set; }

    /// <summary>Leave the last message open, to be continued (messages only; needs add_generation_prompt false).</summary>
    public bool? ContinueFinalMessage { get; set; }

    /// <summary>OpenAI's tools, given to chat templates that describe them (messages only).</summary>
    public JsonArray? Tools { get; set; }

    /// <summary>A Jinja chat template or a built-in name (chatml, llama3, plain) instead of the model's own (messages only).</summary>
    public string? ChatTemplate { get; set; }

    /// <summary>Extra chat template variables, e.g. {"enable_thinking": false} (messages only).</summary>
    public JsonObject? ChatTemplateKwargs { get; set; }

    /// <summary>Also return each id's token string (transformers' convert_ids_to_tokens).</summary>
    public bool? ReturnTokenStrs { get; set; }
}
