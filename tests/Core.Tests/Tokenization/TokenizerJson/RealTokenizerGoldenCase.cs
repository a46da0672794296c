using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuningService.Core.Tests.Tokenization.TokenizerJson;

/// <summary>One case of tokenizers-real-goldens/{llama3,qwen3,gemma3}.json (Hugging Face's own JS implementation, cross-checked).</summary>
internal sealed record RealTokenizerGoldenCase(
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("ids_no_special")] int[] IdsNoSpecial,
    [property: JsonPropertyName("ids_with_special")] int[] IdsWithSpecial,
    [property: JsonPropertyName("tokens_no_special")] string[] TokensNoSpecial,
    [property: JsonPropertyName("decoded")] string Decoded,
    [property: JsonPropertyName("decoded_skip_special")] string DecodedSkipSpecial)
{
    public static IReadOnlyList<RealTokenizerGoldenCase> Read(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TokenizerFixtures.RealGolden(name)));
        return document.RootElement.GetProperty("cases").Deserialize<RealTokenizerGoldenCase[]>()!;
    }
}
