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
}
