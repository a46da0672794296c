using System.Text.Json;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>The strings GPT-2 tokenizers are compared on: 300 SST-2 sentences and edge cases.</summary>
internal static class Gpt2TestTexts
{
    public static IReadOnlyList<string> EdgeCases { get; } =
    [
        "", " ", "   ", " leading space", "trailing space ", "  two leading, two trailing  ",
        "multiple   spaces   inside", "tabs\tand\t\ttabs", "line one\nline two", "\n\nblank lines\n\n\n", "windows\r\nline\r\n",
        "emoji 😀 👍🏽 👨‍👩‍👧 ok", "🙂🙂🙂", "café naïve résumé Ωmega Ελληνικά", "e\u0301 combining accent", "Привет, мир!",
        "日本語のテキスト", "한국어 문장", "𝐀𝐁𝐂 mathematical letters", "ﬁne ½ ＦＵＬＬ",
        "digits 0123456789 3.14159 1,000,000 2024-01-01", "it's they're we've I'm you'll he'd", "IT'S THEY'RE", "'s 're", "don't won't can't",
        "author 's film", "def f(x):\n    return x ** 2  # square\n", "for (int i = 0; i < n; i++) { sum += a[i]; }",
        "<html><body class=\"x\">Hi &amp; bye</body></html>", "https://example.com/path?q=1&r=two#frag", "    indented four",
        "punctuation!!! ??? ... ,,, ;;;", "no\u00A0break\u2003em\u200Bzero-width", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "The quick brown fox jumps over the lazy dog.", "<|endoftext|>", "before<|endoftext|>after", "a <|endoftext|> b",
    ];

    public static IReadOnlyList<string> Sst2Sentences { get; } = LoadSst2();

    public static IReadOnlyList<string> All { get; } = [.. Sst2Sentences, .. EdgeCases];

    private static string[] LoadSst2()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TokenizerFixtures.Sst2SampleJson));
        return [.. document.RootElement.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()!)];
    }
}
