using System.Text.Encodings.Web;
using System.Text.Json;

namespace TuningService.Samples.ForgettingExperiment.Data;

/// <summary>
/// A reading-comprehension task in the model's own domain: a short TinyStories-style story in which a child has a cat
/// and another pet, each with a name, then "Question: What is the cat's name? Answer:" → " Max". All three names come
/// from one pool, the pets are introduced in either order, and the child's name is also in the story, so the answer
/// has to be read from the story rather than guessed from the pool or the position. Generated from a seed, so every
/// run sees the same data; training, validation and test stories are drawn from separate seeds and no test prompt
/// occurs in training.
/// </summary>
public static class CatNameStories
{
    static readonly string[] Names =
    [
        "Lily", "Tom", "Ben", "Mia", "Sam", "Max", "Anna", "Tim", "Sue", "Lucy", "Jack", "Emma", "Sara", "Billy", "Molly",
        "Jake", "Zoe", "Kitty", "Spot", "Daisy", "Bella", "Rex", "Coco", "Leo", "Rosie", "Milo", "Buddy", "Toby", "Penny", "Luna",
    ];

    static readonly string[] OtherPets = ["dog", "bird", "bunny", "fish", "frog", "duck"];

    static readonly string[] Fillers =
    [
        "They liked to play in the park.", "One day, the sun was warm and bright.", "They all lived in a small house.",
        "Every day they played with a red ball.", "They were very good friends.", "It was a happy day.",
    ];

    public const string Question = " Question: What is the cat's name? Answer:";

    /// <summary>Writes <paramref name="count"/> examples drawn with <paramref name="seed"/>, none of whose prompts is in <paramref name="exclude"/>.</summary>
    public static HashSet<string> Write(string path, int count, int seed, IReadOnlySet<string> exclude)
    {
        var random = new Random(seed);
        var prompts = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<string>(count);
        while (lines.Count < count)
        {
            var (prompt, answer) = Example(random);
            if (exclude.Contains(prompt) || !prompts.Add(prompt)) continue;
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, string> { ["prompt"] = prompt, ["completion"] = " " + answer }, Json));
        }
        File.WriteAllLines(path, lines);
        return prompts;
    }

    static (string Prompt, string Answer) Example(Random random)
    {
        var names = Names.OrderBy(_ => random.Next()).Take(3).ToArray();
        var (child, cat, other) = (names[0], names[1], names[2]);
        var girl = random.Next(2) == 0;
        var pet = OtherPets[random.Next(OtherPets.Length)];
        var called = random.Next(2) == 0 ? "named" : "called";
        var catPhrase = $"a cat {called} {cat}";
        var otherPhrase = $"a {pet} {called} {other}";
        var (first, second) = random.Next(2) == 0 ? (catPhrase, otherPhrase) : (otherPhrase, catPhrase);
        var story = $"Once upon a time, there was a little {(girl ? "girl" : "boy")} named {child}. " +
                    $"{(girl ? "She" : "He")} had {first} and {second}. {Fillers[random.Next(Fillers.Length)]}";
        return (story + Question, cat);
    }

    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
