namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>tokenizers' Prepend: the text, when not empty, gets the prefix (Llama-2-style files prepend "▁").</summary>
internal sealed class PrependNormalizer(string prefix) : ITextNormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}
