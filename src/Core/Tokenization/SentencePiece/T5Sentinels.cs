using System.Globalization;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// T5's &lt;extra_id_N&gt; sentinels, which T5Tokenizer appends after the SentencePiece pieces in reverse:
/// &lt;extra_id_0&gt; is the last id (32099 for the 32000-piece T5 model) and &lt;extra_id_99&gt; the first (32000).
/// </summary>
internal static class T5Sentinels
{
    /// <summary>T5Tokenizer's default extra_ids.</summary>
    public const int DefaultCount = 100;

    private const string Prefix = "<extra_id_";

    /// <summary>
    /// How many sentinels the folder's tokenizer has: tokenizer_config.json's extra_ids, else the number of
    /// &lt;extra_id_N&gt; in additional_special_tokens, else 100 for a T5 folder (model_type t5 or a T5Tokenizer
    /// class), else none. transformers refuses extra_ids that disagree with the list, and so does this.
    /// </summary>
    public static int CountFor(HuggingFaceTokenizerConfig config, string dir)
    {
        var listed = config.AdditionalSpecialTokens.Count(token => token.StartsWith(Prefix, StringComparison.Ordinal));
        if (config.ExtraIds is > 0 and var extraIds)
        {
            return listed == 0 || listed == extraIds
                ? extraIds
                : throw new InvalidDataException($"The tokenizer in '{dir}' has extra_ids {extraIds} but lists {listed} <extra_id_N> tokens.");
        }

        if (listed > 0)
        {
            return listed;
        }

        var isT5 = config.ModelType == "t5" || config.TokenizerClass is "T5Tokenizer" or "T5TokenizerFast";
        return config.ExtraIds is null && isT5 ? DefaultCount : 0;
    }

    public static IReadOnlyList<AddedToken> After(int pieceCount, int count) =>
        [.. Enumerable.Range(0, count).Select(n => new AddedToken(pieceCount + count - 1 - n, Name(n), Special: true))];

    public static string Name(int n) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{n}>");
}
