namespace TuningService.Core.Tokenization;

/// <summary>
/// A model's tokenizer. <see cref="Encode"/> never adds special tokens: callers decide where BOS/EOS go
/// (the training data builder adds BOS when <see cref="AddBos"/> and EOS after each completion).
/// </summary>
public interface ITextTokenizer
{
    int VocabSize { get; }
    int? BosId { get; }
    int? EosId { get; }
    int? PadId { get; }
    int? UnkId { get; }

    /// <summary>Whether the model expects BOS at the start of a sequence (tokenizer_config.json `add_bos_token`).</summary>
    bool AddBos { get; }

    IReadOnlyList<int> Encode(string text);

    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true);

    /// <summary>
    /// transformers' encode(text) (add_special_tokens=True, as /tokenize asks for it): a tokenizer.json's
    /// post-processor decides. Default, for tokenizers without one: BOS first when <see cref="AddBos"/>.
    /// </summary>
    IReadOnlyList<int> EncodeWithSpecialTokens(string text) =>
        AddBos && BosId is { } bos ? [bos, .. Encode(text)] : Encode(text);

    /// <summary>
    /// The id of a token as the vocabulary spells it, added and special tokens included ("&lt;|im_end|&gt;",
    /// "&lt;end_of_turn&gt;", "Ġthe"), or null when the tokenizer has no such token. Tokenizers without token strings
    /// throw NotSupportedException.
    /// </summary>
    int? TokenToId(string token) => throw new NotSupportedException($"{GetType().Name} has no token strings.");

    /// <summary>The token string of an id (transformers' convert_ids_to_tokens, /tokenize's return_token_strs), or null for an id it does not have.</summary>
    string? IdToToken(int id) => throw new NotSupportedException($"{GetType().Name} has no token strings.");
}
