using System.Text.Json;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>Checks every golden case and reports all mismatches at once, so one run shows the whole picture.</summary>
internal static class GoldenAssert
{
    public static void EncodesLikeSentencePiece(ITextTokenizer tokenizer, IReadOnlyList<SentencePieceGoldenCase> cases)
    {
        Assert.NotEmpty(cases);
        var failures = cases
            .Select(c => (c, actual: tokenizer.Encode(c.Text).ToArray()))
            .Where(r => !r.actual.SequenceEqual(r.c.Ids))
            .Select(r => $"{Quote(r.c.Text)}: expected [{string.Join(",", r.c.Ids)}] got [{string.Join(",", r.actual)}]")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} encodings differ:\n{string.Join("\n", failures)}");
    }

    public static void DecodesLikeSentencePiece(ITextTokenizer tokenizer, IReadOnlyList<SentencePieceGoldenCase> cases)
    {
        Assert.NotEmpty(cases);
        var failures = cases
            .Select(c => (c, actual: tokenizer.Decode(c.Ids)))
            .Where(r => r.actual != r.c.Decoded)
            .Select(r => $"{Quote(r.c.Text)}: expected {Quote(r.c.Decoded)} got {Quote(r.actual)}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} decodings differ:\n{string.Join("\n", failures)}");
    }

    /// <summary>For every text, what <paramref name="actual"/> gives equals what <paramref name="expected"/> gives.</summary>
    public static void AllEqual<T>(IReadOnlyList<string> texts, Func<string, T> expected, Func<string, T> actual)
    {
        Assert.NotEmpty(texts);
        var failures = texts
            .Select(text => (text, expected: JsonSerializer.Serialize(expected(text)), actual: JsonSerializer.Serialize(actual(text))))
            .Where(r => r.expected != r.actual)
            .Select(r => $"{Quote(r.text)}: expected {r.expected} got {r.actual}")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {texts.Count} differ:\n{string.Join("\n", failures)}");
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);
}
