namespace TuningService.Core.Tokenization;

/// <summary>
/// What a model folder's tokenizer_config.json / special_tokens_map.json say, as written (special_tokens_map.json
/// wins): the special tokens' strings, add_bos_token / add_eos_token, clean_up_tokenization_spaces and the chat
/// templates. <see cref="ChatTemplate"/> is the default one: chat_template as a string, the entry named "default"
/// of a list of {"name", "template"}, or chat_template.jinja (which wins, as in transformers); the others are in
/// <see cref="ChatTemplates"/> by name.
/// </summary>
public sealed record TokenizerFolderConfig(
    string? TokenizerClass,
    string? BosToken,
    string? EosToken,
    string? PadToken,
    string? UnkToken,
    bool? AddBosToken,
    bool? AddEosToken,
    bool? CleanUpTokenizationSpaces,
    string? ChatTemplate,
    IReadOnlyDictionary<string, string> ChatTemplates);
