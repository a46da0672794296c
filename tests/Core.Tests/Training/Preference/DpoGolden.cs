using System.Text.Json.Nodes;
using TuningService.Core.Tests.Models;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training.Preference;

/// <summary>The DPO goldens (fixtures/README.md, DPO section) and their tolerances.</summary>
internal static class DpoGolden
{
    public static string PolicyFolder => TestPaths.Fixture("models", "llama-tiny-dpo-policy");

    public static string LoraFolder => TestPaths.Fixture("models", "llama-tiny-dpo-lora");

    public static JsonObject Policy => Golden.Read(Path.Combine(PolicyFolder, "dpo_golden.json"));

    public static JsonObject Lora => Golden.Read(Path.Combine(LoraFolder, "dpo_golden.json"));

    /// <summary>The golden's 12-row batch as input ids and labels (the ids on completion positions, ignored elsewhere).</summary>
    public static (Tensor Ids, Tensor Labels) Batch(JsonObject golden)
    {
        var ids = Golden.IdTensor(golden["batch"]!["input_ids"]);
        var completion = Golden.IdTensor(golden["batch"]!["completion_mask"]);
        var labels = ids.masked_fill(completion.eq(0), CausalLmLoss.IgnoreIndex);
        return (ids, labels);
    }

    /// <summary>The golden's pairs as tokenized examples: prompt + answer, labels on the answer only.</summary>
    public static IReadOnlyList<TokenizedExample> Pairs(JsonObject golden) =>
        ((JsonArray)golden["pairs"]!).Select(pair =>
        {
            var prompt = Golden.Ints(pair!["prompt_ids"]);
            return Example(prompt, Golden.Ints(pair["chosen_ids"])) with { Rejected = Example(prompt, Golden.Ints(pair["rejected_ids"])) };
        }).ToList();

    private static TokenizedExample Example(int[] prompt, int[] answer) =>
        new([.. prompt, .. answer], [.. Enumerable.Repeat(CausalLmLoss.IgnoreIndex, prompt.Length), .. answer]);

    public static PreferenceLossOptions Options(JsonNode @case) => new(
        @case["beta"]!.GetValue<double>(),
        @case["loss_type"]!.GetValue<string>() switch
        {
            "sigmoid" => PreferenceLossType.Sigmoid,
            "ipo" => PreferenceLossType.Ipo,
            var other => throw new InvalidDataException(other),
        },
        @case["label_smoothing"]!.GetValue<double>());

    /// <summary>Gradient tolerance: |a − b| ≤ 1e-4·max|b| + 1e-3·|b| per tensor.</summary>
    public static void AssertGradientClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var largest = expected.Max(Math.Abs);
        var worst = Enumerable.Range(0, expected.Length)
            .Select(i => (Index: i, Excess: Math.Abs(actual[i] - expected[i]) - ((1e-4 * largest) + (1e-3 * Math.Abs(expected[i])))))
            .MaxBy(x => x.Excess);
        Assert.True(worst.Excess <= 0,
            $"{what}: element {worst.Index} is {actual[worst.Index]}, golden {expected[worst.Index]} (beyond tolerance by {worst.Excess:g3}).");
    }

    public static float[] Values(Tensor t) => t.detach().cpu().to_type(ScalarType.Float32).data<float>().ToArray();
}
