namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>
/// One normalizer of tokenizer.json. Only the text matters here (ids, not offsets), so a normalizer is a string
/// rewrite; a Sequence is its normalizers in turn and is flattened into them when the file is read.
/// </summary>
internal interface ITextNormalizer
{
    string Normalize(string text);
}
