using System.Text.Json;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>One string with the ids Python sentencepiece 0.1.97 gave for encode(text) and the text of decode(ids).</summary>
internal sealed record SentencePieceGoldenCase(string Text, int[] Ids, string Decoded)
{
    /// <summary>
    /// Cases of a golden file. tokenizers-real-goldens/*.json keep ids at the case level; fixtures/tokenizers/tokens.json
    /// keeps them per model under <paramref name="modelKey"/> ("unigram", "bpe").
    /// </summary>
    public static IReadOnlyList<SentencePieceGoldenCase> Load(string path, string? modelKey = null)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var cases = new List<SentencePieceGoldenCase>();
        foreach (var item in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var expected = modelKey is null ? item : item.GetProperty(modelKey);
            cases.Add(new SentencePieceGoldenCase(
                item.GetProperty("text").GetString()!,
                expected.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray(),
                expected.GetProperty("decoded").GetString()!));
        }

        return cases;
    }
}
