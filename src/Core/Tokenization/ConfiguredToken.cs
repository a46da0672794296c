namespace TuningService.Core.Tokenization;

/// <summary>
/// A special token as a Hugging Face config names it. Not set: the config is silent. Set with null content: the
/// config says the tokenizer has no such token (<c>"pad_token": null</c>).
/// </summary>
internal readonly record struct ConfiguredToken(bool IsSet, string? Content)
{
    public static ConfiguredToken NotSet => default;
}
