namespace TuningService.Core.Tokenization;

/// <summary>
/// Which ids a model uses as BOS/EOS/PAD (null: it has none) and whether sequences start with BOS.
/// These come from the tokenizer model and may be overridden by the model folder's Hugging Face configs.
/// </summary>
public sealed record SpecialTokenIds(int? BosId, int? EosId, int? PadId, bool AddBos);
