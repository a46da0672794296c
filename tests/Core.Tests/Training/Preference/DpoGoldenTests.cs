using System.Text.Json.Nodes;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training.Preference;

/// <summary>
/// Log-probs, losses, rewards, metrics and gradients of DPO against the goldens made from TRL's DPOTrainer
/// (llama-tiny-dpo-policy against the llama-tiny reference, and llama-tiny + a LoRA adapter against itself with the
/// adapter disabled), at the fixtures' tolerances.
/// </summary>
public sealed class DpoGoldenTests
{
    [Fact]
    public void Summed_and_per_token_completion_log_probs_match_the_golden()
    {
        var golden = DpoGolden.Policy;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, labels) = DpoGolden.Batch(golden);
        foreach (var (folder, who) in new[] { (DpoGolden.PolicyFolder, "policy"), (TestPaths.LlamaTiny, "reference") })
        {
            using var loaded = PretrainedModelLoader.Load(folder, CPU);
            var logits = ((CausalLanguageModel)loaded.Model).call(ids);
            var perToken = CompletionLogProbs.PerToken(logits, labels);
            var sums = DpoGolden.Values(CompletionLogProbs.Sum(logits, labels));
            Golden.AssertLogitsClose(Golden.Floats(golden["logps"]![$"{who}_chosen_logps"]), sums[..6], $"{who} chosen logps");
            Golden.AssertLogitsClose(Golden.Floats(golden["logps"]![$"{who}_rejected_logps"]), sums[6..], $"{who} rejected logps");
            var scored = DpoGolden.Values(labels[.., 1..].ne(CausalLmLoss.IgnoreIndex).to_type(ScalarType.Float32));
            var values = DpoGolden.Values(perToken);
            var completionValues = Enumerable.Range(0, 12)
                .Select(row => Enumerable.Range(0, 19).Where(t => scored[(row * 19) + t] == 1).Select(t => values[(row * 19) + t]).ToArray())
                .ToArray();
            var counts = DpoGolden.Values(CompletionLogProbs.Count(labels));
            Assert.Equal(Golden.Floats(golden["logps"]!["n_completion_tokens_chosen"]), counts[..6]);
            Assert.Equal(Golden.Floats(golden["logps"]!["n_completion_tokens_rejected"]), counts[6..]);
            for (var pair = 0; pair < 6; pair++)
            {
                Golden.AssertLogitsClose(Golden.Floats(golden["per_token_logps"]![$"{who}_chosen"]![pair]), completionValues[pair], $"{who} chosen pair {pair}");
                Golden.AssertLogitsClose(Golden.Floats(golden["per_token_logps"]![$"{who}_rejected"]![pair]), completionValues[6 + pair], $"{who} rejected pair {pair}");
            }
        }
    }

    [Fact]
    public void Pairs_batch_into_the_golden_right_padded_rows()
    {
        var golden = DpoGolden.Policy;
        var batch = new Batcher(6, paddingId: 0).Batches(DpoGolden.Pairs(golden)).Single();
        using var scope = NewDisposeScope();
        var (ids, labels) = batch.ToTensors(CPU);
        var (goldenIds, goldenLabels) = DpoGolden.Batch(golden);
        Assert.Equal((6, 12, 20), (batch.PairCount, batch.Rows, batch.Columns));
        Assert.True(Golden.Identical(goldenIds, ids), "input ids differ from the golden batch");
        Assert.True(Golden.Identical(goldenLabels, labels), "completion positions differ from the golden batch");
        Assert.Equal(Golden.Longs(golden["batch"]!["attention_mask"]), batch.InputMask);
    }

    public static TheoryData<string> PolicyCases => new() { "sigmoid_beta0.1", "sigmoid_beta0.5", "cdpo_beta0.1_ls0.1", "cdpo_beta0.5_ls0.1", "ipo_beta0.1", "ipo_beta0.5" };

    public static TheoryData<string> LoraCases => new() { "sigmoid_beta0.1", "cdpo_beta0.1_ls0.1", "ipo_beta0.1" };

    [Theory]
    [MemberData(nameof(PolicyCases))]
    public void Policy_losses_rewards_and_metrics_match_the_golden(string name)
    {
        var golden = DpoGolden.Policy;
        var @case = Case(golden, name);
        using var policy = PretrainedModelLoader.Load(DpoGolden.PolicyFolder, CPU);
        using var scope = NewDisposeScope();
        var reference = ReferenceLogProbs(golden);
        var objective = new PreferenceObjective((CausalLanguageModel)policy.Model, DpoGolden.Options(@case), PreferenceReference.Precomputed);
        var batch = new Batcher(6, paddingId: 0).Batches(WithReference(DpoGolden.Pairs(golden), reference)).Single();

        AssertCase(@case, objective, batch, name);
    }

    [Theory]
    [MemberData(nameof(LoraCases))]
    public void Lora_losses_rewards_and_metrics_match_the_golden_with_the_adapter_disabled_as_reference(string name)
    {
        var golden = DpoGolden.Lora;
        var @case = Case(golden, name);
        using var loaded = LoadLora();
        using var scope = NewDisposeScope();
        var objective = new PreferenceObjective((CausalLanguageModel)loaded.Model, DpoGolden.Options(@case), PreferenceReference.AdaptersDisabled);
        var batch = new Batcher(6, paddingId: 0).Batches(DpoGolden.Pairs(golden)).Single();

        AssertCase(@case, objective, batch, name);
    }

    [Fact]
    public void Policy_gradients_of_three_tensors_match_the_golden()
    {
        var golden = DpoGolden.Policy;
        using var policy = PretrainedModelLoader.Load(DpoGolden.PolicyFolder, CPU);
        var model = (CausalLanguageModel)policy.Model;
        using var scope = NewDisposeScope();
        var reference = ReferenceLogProbs(golden);
        var objective = new PreferenceObjective(model, new PreferenceLossOptions(0.1), PreferenceReference.Precomputed);
        var batch = new Batcher(6, paddingId: 0).Batches(WithReference(DpoGolden.Pairs(golden), reference)).Single();

        var loss = objective.ComputeBatch(batch, CPU).Loss;
        loss.backward();

        Golden.AssertLossClose(golden["gradients"]!["loss_value"]!.GetValue<double>(), loss.item<float>(), "gradient loss");
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, expected) in (JsonObject)golden["gradients"]!["tensors"]!)
        {
            var grad = parameters[name].grad ?? throw new InvalidOperationException($"{name} has no gradient");
            Assert.Equal(Golden.Shape(expected), grad.shape);
            DpoGolden.AssertGradientClose(Golden.Floats(expected!["data"]), DpoGolden.Values(grad), name);
        }
    }

    [Fact]
    public void Lora_gradients_of_layer_0_q_proj_match_the_golden()
    {
        var golden = DpoGolden.Lora;
        using var loaded = LoadLora();
        var model = (CausalLanguageModel)loaded.Model;
        using var scope = NewDisposeScope();
        var objective = new PreferenceObjective(model, new PreferenceLossOptions(0.1), PreferenceReference.AdaptersDisabled);
        var batch = new Batcher(6, paddingId: 0).Batches(DpoGolden.Pairs(golden)).Single();

        var loss = objective.ComputeBatch(batch, CPU).Loss;
        loss.backward();

        Golden.AssertLossClose(golden["gradients"]!["loss_value"]!.GetValue<double>(), loss.item<float>(), "gradient loss");
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (fileName, expected) in (JsonObject)golden["gradients"]!["tensors"]!)
        {
            var name = fileName.Replace("base_model.model.", "", StringComparison.Ordinal); // the adapter file's prefix
            var grad = parameters[name].grad ?? throw new InvalidOperationException($"{name} has no gradient");
            Assert.Equal(Golden.Shape(expected), grad.shape);
            DpoGolden.AssertGradientClose(Golden.Floats(expected!["data"]), DpoGolden.Values(grad), name);
        }
        // Only the adapters train; the base under them has no gradient.
        Assert.All(model.named_parameters().Where(p => !p.name.Contains("lora_", StringComparison.Ordinal)), p => Assert.Null(p.parameter.grad));
    }

    [Fact]
    public void Disabling_the_adapters_gives_the_base_model_and_enabling_them_gives_the_adapted_one_back()
    {
        var golden = DpoGolden.Lora;
        using var loaded = LoadLora();
        using var scope = NewDisposeScope();
        var objective = new PreferenceObjective((CausalLanguageModel)loaded.Model, new PreferenceLossOptions(0.1), PreferenceReference.AdaptersDisabled);
        var (ids, labels) = DpoGolden.Batch(golden);

        var reference = DpoGolden.Values(objective.Score(ids, labels, asReference: true));
        var policy = DpoGolden.Values(objective.Score(ids, labels, asReference: false));

        Golden.AssertLogitsClose(Golden.Floats(golden["logps"]!["reference_chosen_logps"]), reference[..6], "reference chosen");
        Golden.AssertLogitsClose(Golden.Floats(golden["logps"]!["reference_rejected_logps"]), reference[6..], "reference rejected");
        Golden.AssertLogitsClose(Golden.Floats(golden["logps"]!["policy_chosen_logps"]), policy[..6], "policy chosen");
        Golden.AssertLogitsClose(Golden.Floats(golden["logps"]!["policy_rejected_logps"]), policy[6..], "policy rejected");
    }

    private static void AssertCase(JsonNode @case, PreferenceObjective objective, PaddedBatch batch, string name)
    {
        var (ids, labels) = batch.ToTensors(CPU);
        Tensor policy = objective.Score(ids, labels, asReference: false);
        Tensor reference = batch.ReferenceLogProbs is { } values ? tensor(values) : objective.Score(ids, labels, asReference: true);
        var counts = CompletionLogProbs.Count(labels);
        var result = PreferenceLoss.Compute(policy[..6], policy[6..], reference[..6], reference[6..], counts[..6], counts[6..], objective.Options);
        var perPair = @case["per_pair"]!;
        Golden.AssertLogitsClose(Golden.Floats(perPair["logits"]), DpoGolden.Values(result.Logits), $"{name} logits");
        Golden.AssertLogitsClose(Golden.Floats(perPair["loss"]), DpoGolden.Values(result.PerPairLoss), $"{name} per-pair loss");
        Golden.AssertLogitsClose(Golden.Floats(perPair["rewards_chosen"]), DpoGolden.Values(result.RewardsChosen), $"{name} rewards chosen");
        Golden.AssertLogitsClose(Golden.Floats(perPair["rewards_rejected"]), DpoGolden.Values(result.RewardsRejected), $"{name} rewards rejected");
        Golden.AssertLogitsClose(Golden.Floats(perPair["margins"]), DpoGolden.Values(result.Margins), $"{name} margins");
        Assert.Equal(Golden.Floats(perPair["accuracy"]), DpoGolden.Values(result.Accuracies));
        Golden.AssertLossClose(@case["loss"]!.GetValue<double>(), result.Loss.item<float>(), $"{name} loss");

        // The training path: one forward pass over the 12 rows, the metrics from the summed values.
        var computed = objective.ComputeBatch(batch, CPU);
        Golden.AssertLossClose(@case["loss"]!.GetValue<double>(), computed.Loss.item<float>(), $"{name} loss (training path)");
        var metrics = PreferenceMetrics.FromSums(DpoGolden.Values(computed.PreferenceSums!), batch.PairCount);
        var expected = @case["metrics"]!;
        foreach (var (key, value) in metrics.Named())
        {
            if (key == "rewards/accuracies")
                Assert.Equal(expected[key]!.GetValue<double>(), value, 6); // 4/6 in fp32 and fp64: exact up to the float's rounding
            else
                Golden.AssertLogitsClose([expected[key]!.GetValue<float>()], [(float)value], $"{name} {key}");
        }
    }

    private static JsonNode Case(JsonObject golden, string name) =>
        ((JsonArray)golden["cases"]!).Single(c => c!["name"]!.GetValue<string>() == name)!;

    /// <summary>The reference model's log-probs of the golden's pairs, scored here by llama-tiny (12 rows, row order).</summary>
    private static float[] ReferenceLogProbs(JsonObject golden)
    {
        using var reference = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
        var objective = new PreferenceObjective((CausalLanguageModel)reference.Model, new PreferenceLossOptions(), PreferenceReference.Precomputed);
        var (ids, labels) = DpoGolden.Batch(golden);
        return DpoGolden.Values(objective.Score(ids, labels, asReference: false));
    }

    private static List<TokenizedExample> WithReference(IReadOnlyList<TokenizedExample> pairs, float[] reference) =>
        pairs.Select((pair, i) => pair with { Reference = new PairReference(reference[i], reference[6 + i]) }).ToList();

    private static LoadedModel LoadLora()
    {
        var loaded = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
        PeftAdapterLoader.Apply(loaded.Model, DpoGolden.LoraFolder, trainable: true);
        return loaded;
    }
}
