namespace TuningService.Core.Tests.Tokenization.TokenizerJson;

/// <summary>Small tokenizer.json files written for one behaviour each.</summary>
internal static class TokenizerJsonFiles
{
    /// <summary>A tokenizer.json with the given parts (JSON text; "null" leaves a step out).</summary>
    public static string Build(string model, string addedTokens = "[]", string normalizer = "null", string preTokenizer = "null", string decoder = "null", string postProcessor = "null") =>
        $$"""
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": {{addedTokens}},
         "normalizer": {{normalizer}}, "pre_tokenizer": {{preTokenizer}}, "post_processor": {{postProcessor}},
         "decoder": {{decoder}}, "model": {{model}}}
        """;

    public static TemporaryModelFolder Folder(string tokenizerJson) => new TemporaryModelFolder().WithText("tokenizer.json", tokenizerJson);
}
