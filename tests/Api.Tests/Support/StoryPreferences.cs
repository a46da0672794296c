using System.Text.Json;
using System.Text.RegularExpressions;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A small preference task made from the shipped model's held-out TinyStories (models/babyllama-tinystories/
/// heldout_stories.jsonl): the stories whose first word is a character's name, cut to their first two sentences,
/// with that name replaced by each of a few others; the question "Who is this story about?" prefers the name in the
/// story over another name from the same list that the story does not mention. The first stories make the training
/// pairs, the rest held-out pairs on stories never trained on.
/// </summary>
public static partial class StoryPreferences
{
    static readonly HashSet<string> NotNames = ["There", "Once", "One", "It", "A", "The", "Mom", "Dad", "Grandpa"];

    public sealed record Pair(string Story, string Preferred, string NonPreferred);

    /// <summary>(training pairs, held-out pairs): <paramref name="namesPerStory"/> pairs per story.</summary>
    public static (IReadOnlyList<Pair> Train, IReadOnlyList<Pair> HeldOut) Build(int trainStories = 18, int namesPerStory = 4)
    {
        var stories = File.ReadLines(Path.Combine(RepoPaths.BuiltInModel, "heldout_stories.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!)
            .Select(text => (Name: text.Split(' ')[0], Text: string.Join(' ', Sentence().Matches(text).Take(2).Select(m => m.Value.Trim()))))
            .Where(s => !NotNames.Contains(s.Name))
            .ToList();
        var names = stories.Select(s => s.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var random = new Random(15);
        List<Pair> Pairs(IEnumerable<(string Name, string Text)> part) =>
        [
            .. part.SelectMany(story => names.Where(n => !story.Text.Contains(n, StringComparison.Ordinal)).OrderBy(_ => random.Next()).Take(namesPerStory)
                .Select(name =>
                {
                    var text = story.Text.Replace(story.Name, name, StringComparison.Ordinal);
                    var other = names.Where(n => n != name && !text.Contains(n, StringComparison.Ordinal)).OrderBy(_ => random.Next()).First();
                    return new Pair(text, name, other);
                })),
        ];
        return (Pairs(stories.Take(trainStories)), Pairs(stories.Skip(trainStories)));
    }

    /// <summary>The pairs as OpenAI's preference JSONL.</summary>
    public static byte[] Jsonl(IEnumerable<Pair> pairs) => System.Text.Encoding.UTF8.GetBytes(string.Concat(pairs.Select(p => JsonSerializer.Serialize(new
    {
        input = new { messages = new[] { new { role = "user", content = $"{p.Story} Who is this story about?" } } },
        preferred_output = new[] { new { role = "assistant", content = p.Preferred } },
        non_preferred_output = new[] { new { role = "assistant", content = p.NonPreferred } },
    }) + "\n")));

    [GeneratedRegex(@"[^.!?]+[.!?]")]
    private static partial Regex Sentence();
}
