using System.Text.Json;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson;

/// <summary>
/// Llama 3, Qwen3 and Gemma 3 tokenizer.json folders loaded by TokenizerLoader, held id-exact to the goldens on
/// every case: ids without and with special tokens, token strings, and decoding with and without special tokens.
/// </summary>
public class TokenizerJsonGoldenTests
{
    public static TheoryData<string> Names => new() { "llama3", "qwen3", "gemma3" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Encodes_without_special_tokens_like_the_golden(string name) =>
        Check(name, (tokenizer, c) => (Json(tokenizer.Encode(c.Text)), Json(c.IdsNoSpecial)));

    [Theory]
    [MemberData(nameof(Names))]
    public void Encodes_with_special_tokens_like_the_golden(string name) =>
        Check(name, (tokenizer, c) => (Json(tokenizer.EncodeWithSpecialTokens(c.Text)), Json(c.IdsWithSpecial)));

    [Theory]
    [MemberData(nameof(Names))]
    public void Token_strings_are_the_goldens(string name) =>
        Check(name, (tokenizer, c) => (Json(c.IdsNoSpecial.Select(id => tokenizer.IdToToken(id))), Json(c.TokensNoSpecial)));

    [Theory]
    [MemberData(nameof(Names))]
    public void Decodes_keeping_special_tokens_like_the_golden(string name) =>
        Check(name, (tokenizer, c) => (Json(tokenizer.Decode(c.IdsWithSpecial, skipSpecialTokens: false)), Json(c.Decoded)));

    [Theory]
    [MemberData(nameof(Names))]
    public void Decodes_skipping_special_tokens_like_the_golden(string name) =>
        Check(name, (tokenizer, c) => (Json(tokenizer.Decode(c.IdsWithSpecial, skipSpecialTokens: true)), Json(c.DecodedSkipSpecial)));

    private static void Check(string name, Func<ITextTokenizer, RealTokenizerGoldenCase, (string Actual, string Expected)> compare)
    {
        var tokenizer = RealTokenizerFolders.Load(name);
        var cases = RealTokenizerGoldenCase.Read(name);
        Assert.Equal(407, cases.Count);
        var failures = cases
            .Select(c => (c, result: compare(tokenizer, c)))
            .Where(r => r.result.Actual != r.result.Expected)
            .Select(r => $"[{r.c.Category}] {Json(r.c.Text)}: expected {r.result.Expected} got {r.result.Actual}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ:\n{string.Join("\n", failures.Take(30))}");
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
