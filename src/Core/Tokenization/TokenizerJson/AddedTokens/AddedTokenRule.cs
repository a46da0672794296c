namespace TuningService.Core.Tokenization.TokenizerJson.AddedTokens;

/// <summary>
/// An entry of tokenizer.json's added_tokens with its matching flags: <see cref="Normalized"/> tokens are looked
/// for in the normalized text, the others in the raw text; lstrip/rstrip take the whitespace on that side into the
/// match; single_word matches only when no word character touches it.
/// </summary>
internal sealed record AddedTokenRule(int Id, string Content, bool Special, bool SingleWord, bool LStrip, bool RStrip, bool Normalized);
