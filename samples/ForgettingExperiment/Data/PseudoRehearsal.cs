using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TuningService.Samples.ForgettingExperiment.Service;

namespace TuningService.Samples.ForgettingExperiment.Data;

/// <summary>
/// Pseudo-rehearsal (Robins 1995; as generative replay in LAMOL, Sun et al. 2020): the text the multi-task run
/// rehearses is sampled from the base model itself, before any fine-tuning, through POST /v1/completions. The model's
/// own training data (TinyStories) is not at hand, and the held-out stories must stay unseen because they measure the
/// forgetting; samples of the model stand in for what it knew. Sampling is from BOS alone, at temperature 1 with
/// top-k 20 (LAMOL's top-k), seeded.
/// </summary>
public static partial class PseudoRehearsal
{
    public const double Temperature = 1.0;
    public const int TopK = 20;

    // The shipped model's tokenizer: BOS is id 1; a story is sampled from BOS alone.
    const int BosTokenId = 1, PromptsPerRequest = 2, CompletionsPerPrompt = 8, MinimumLength = 60;

    /// <summary>Samples stories until <paramref name="count"/> usable ones exist; returns them, cleaned.</summary>
    public static async Task<List<string>> SampleAsync(TuningClient client, string model, int count, int seed, int maxTokens, CancellationToken ct)
    {
        var stories = new List<string>();
        for (var request = 0; stories.Count < count; request++)
        {
            if (request > 10 + 4 * count / (PromptsPerRequest * CompletionsPerPrompt))
                throw new InvalidOperationException($"Only {stories.Count} usable stories after {request} requests; the model does not produce text of {MinimumLength}+ characters.");
            var prompts = new JsonArray([.. Enumerable.Range(0, PromptsPerRequest).Select(_ => new JsonArray(BosTokenId))]);
            var answer = await client.CompleteAsync(new JsonObject
            {
                ["model"] = model, ["prompt"] = prompts, ["n"] = CompletionsPerPrompt, ["max_tokens"] = maxTokens,
                ["temperature"] = Temperature, ["top_k"] = TopK, ["seed"] = seed + request,
            }, ct);
            foreach (var choice in answer["choices"]!.AsArray())
            {
                if (Clean(choice!["text"]!.GetValue<string>()) is { } story && stories.Count < count) stories.Add(story);
            }
            Console.WriteLine($"  pseudo-rehearsal: {stories.Count}/{count} stories");
        }
        return stories;
    }

    public static void Write(string path, IEnumerable<string> stories) =>
        File.WriteAllLines(path, stories.Select(s => JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = s }, Json)));

    /// <summary>
    /// The tokenizer has no newline piece, so the model's paragraph breaks come out as the unknown piece: they become
    /// spaces. This model's unk_surface is the escaped text <c>\342\201\207</c> (the bytes of ⁇ as a C escape, as
    /// its tokenizer.model stores it), not ⁇ itself; both are removed. A story cut by the token limit ends at its last full sentence; a fragment too short to be a story
    /// is dropped (null).
    /// </summary>
    public static string? Clean(string text)
    {
        var spaced = Whitespace().Replace(text.Replace(EscapedUnknown, " ", StringComparison.Ordinal).Replace('⁇', ' '), " ").Trim();
        var end = spaced.LastIndexOfAny(['.', '!', '?']);
        if (end < 0) return null;
        // A closing quote right after the sentence end belongs to it.
        if (end + 1 < spaced.Length && spaced[end + 1] == '"') end++;
        var story = spaced[..(end + 1)];
        return story.Length >= MinimumLength ? story : null;
    }

    const string EscapedUnknown = @"\342\201\207";

    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
