namespace TuningService.Core.Tokenization.TokenizerJson.AddedTokens;

/// <summary>A stretch of text: an added token's match (<see cref="Token"/> set) or the text between matches.</summary>
internal readonly record struct AddedTokenSegment(int Start, int End, AddedTokenRule? Token);
