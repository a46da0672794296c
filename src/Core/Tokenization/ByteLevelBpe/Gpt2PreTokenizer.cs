using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>
/// GPT-2's split of text into words before BPE (OpenAI's encoder.py; the Hugging Face ByteLevel pre-tokenizer with
/// use_regex). Without it the library's BPE merges across word boundaries and GPT-2 ids come out wrong.
/// </summary>
internal static partial class Gpt2PreTokenizer
{
    /// <summary>Added tokens are cut out whole first, as Hugging Face tokenizers do.</summary>
    public static RegexPreTokenizer Create(IReadOnlyDictionary<string, int> addedTokens) => new(Pattern(), addedTokens);

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Pattern();
}
