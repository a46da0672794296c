using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Evaluation;

/// <summary>
/// Teacher-forced metrics against what the test computes itself: one unpadded forward pass per example, log-softmax
/// and the negative log-likelihood of each completion token and EOS, summed over all of a task's tokens.
/// </summary>
public sealed class TeacherForcedEvaluationTests : IDisposable
{
    static readonly CharacterTokenizer Tokenizer = new();

    static readonly TrainingExample[] Examples =
    [
        new("red?", " apple", "fruit"), new("sum 2+3=", "5", "sums"), new("yellow?", " banana", "fruit"),
        new("sum 4+4=", "8", "sums"), new("sum 9+1=", "10", "sums"), new("say:", " the quick brown fox", null),
    ];

    readonly LoadedModel llama = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);

    [Fact]
    public void Loss_perplexity_and_token_accuracy_equal_a_plain_forward_pass_per_task_and_overall()
    {
        var setup = TrainingSetup.For(llama, Tokenizer);
        var dataset = new EvaluationDataset("file-x", "x.jsonl", "sha", EvaluationDataKind.Instruction, Examples, "x");

        var result = new ModelEvaluator(setup, Tokenizer, EvaluationSettings.Default with { BatchSize = 4 }).Evaluate(dataset, generate: false, default);

        var expected = Examples.GroupBy(e => e.Task ?? "x").ToDictionary(g => g.Key, g => Sum(g.Select(Score)));
        Assert.Equal(["fruit", "sums", "x"], result.Tasks.Select(t => t.Task));
        foreach (var task in result.Tasks)
            AssertMatches(expected[task.Task], task.TeacherForced!, task.Task);
        AssertMatches(Sum(expected.Values), result.Overall.TeacherForced!, "overall");
        Assert.Null(result.Overall.Generated);
        Assert.Empty(result.Samples);
    }

    [Fact]
    public void Held_out_perplexity_of_the_shipped_model_equals_its_golden()
    {
        // golden.json "heldout": [BOS] + encode(story) per story, loss over every story token, 8508 tokens in all.
        var golden = Golden.Read(Path.Combine(TestPaths.BabyLlama, "golden.json"))["heldout"]!;
        using var baby = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        var tokenizer = Core.Tokenization.TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var stories = File.ReadLines(Path.Combine(TestPaths.BabyLlama, "heldout_stories.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .Select(t => new TrainingExample("", t)).ToList();
        var dataset = new EvaluationDataset("heldout", "heldout_stories.jsonl", "sha", EvaluationDataKind.Text, stories, "heldout");

        var result = new ModelEvaluator(TrainingSetup.For(baby, tokenizer), tokenizer, EvaluationSettings.Default).Evaluate(dataset, generate: true, default);

        var metrics = result.Overall.TeacherForced!;
        Assert.Equal(golden["n_predicted_tokens"]!.GetValue<long>(), metrics.Tokens);
        Golden.AssertLossClose(golden["mean_token_cross_entropy_nats"]!.GetValue<double>(), metrics.Loss, "held-out loss");
        Golden.AssertLossClose(golden["perplexity"]!.GetValue<double>(), metrics.Perplexity, "held-out perplexity");
        Assert.Null(result.Overall.Generated); // plain text has nothing to generate
    }

    /// <summary>[BOS] prompt completion EOS, scored on completion and EOS: (Σ NLL, tokens, argmax hits).</summary>
    (double Nll, long Tokens, long Correct) Score(TrainingExample example)
    {
        int[] prompt = [CharacterTokenizer.Bos, .. Tokenizer.Encode(example.Prompt)];
        int[] answer = [.. Tokenizer.Encode(example.Completion), CharacterTokenizer.Eos];
        long[] ids = [.. prompt.Concat(answer).Select(i => (long)i)];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        llama.Model.eval();
        var logits = ((CausalLanguageModel)llama.Model).call(tensor(ids).unsqueeze(0))[0];
        var logProbs = logits.log_softmax(-1);
        double nll = 0;
        long correct = 0;
        for (int k = 0; k < answer.Length; k++)
        {
            int position = prompt.Length - 1 + k; // predicts token prompt.Length + k
            nll -= logProbs[position, answer[k]].item<float>();
            if (logits[position].argmax().item<long>() == answer[k]) correct++;
        }
        return (nll, answer.Length, correct);
    }

    static (double Nll, long Tokens, long Correct) Sum(IEnumerable<(double Nll, long Tokens, long Correct)> parts) =>
        parts.Aggregate((0.0, 0L, 0L), (a, b) => (a.Item1 + b.Nll, a.Item2 + b.Tokens, a.Item3 + b.Correct));

    static void AssertMatches((double Nll, long Tokens, long Correct) expected, TeacherForcedMetrics actual, string what)
    {
        Assert.Equal(expected.Tokens, actual.Tokens);
        Golden.AssertLossClose(expected.Nll / expected.Tokens, actual.Loss, $"{what} loss");
        Golden.AssertLossClose(Math.Exp(expected.Nll / expected.Tokens), actual.Perplexity, $"{what} perplexity");
        Assert.Equal((double)expected.Correct / expected.Tokens, actual.MeanTokenAccuracy, 12);
    }

    public void Dispose() => llama.Dispose();
}
