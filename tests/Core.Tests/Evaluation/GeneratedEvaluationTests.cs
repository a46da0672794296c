using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Generation;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Evaluation;

/// <summary>
/// Generated metrics on the shipped model, whose greedy continuation of "Once upon a time" is in its golden.json.
/// Its EOS is made '.' here, so the model is known to stop at the end of the golden's first sentence.
/// </summary>
public sealed class GeneratedEvaluationTests : IDisposable
{
    readonly LoadedModel baby = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
    readonly ITextTokenizer tokenizer;
    readonly string firstSentence;

    public GeneratedEvaluationTests()
    {
        var real = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        int period = real.Encode("Lily.")[^1];
        tokenizer = new TokenizerWithEos(real, period);
        var golden = Golden.Read(Path.Combine(TestPaths.BabyLlama, "golden.json"))["prompts"]![1]!;
        var prompt = Golden.Ints(golden["input_ids"]);
        var greedy = Golden.Ints(golden["greedy"]!["new_tokens"]);
        var beforePeriod = greedy.TakeWhile(id => id != period).ToArray();
        Assert.True(beforePeriod.Length < greedy.Length, "the golden continuation has a period");
        firstSentence = real.Decode(prompt.Concat(beforePeriod))[real.Decode(prompt).Length..]; // ", there was a little girl named Lily"
    }

    [Fact]
    public void Exact_match_and_samples_follow_the_known_greedy_output()
    {
        TrainingExample[] examples =
        [
            new("Once upon a time", firstSentence, "story"),
            new("Once upon a time", ", there was a little boy named Tom", "story"),
            new("Once upon a time", firstSentence.ToUpperInvariant() + "!", "story"),
        ];
        var dataset = new EvaluationDataset("file-t", "t.jsonl", "sha", EvaluationDataKind.Instruction, examples, "t");

        var result = new ModelEvaluator(TrainingSetup.For(baby, tokenizer), tokenizer, EvaluationSettings.Default).Evaluate(dataset, generate: true, default);

        var generated = result.Overall.Generated!;
        Assert.Equal(3, generated.Examples);
        // The longest reference plus EOS: every reference fits the budget, so the model's own stop decides.
        Assert.Equal(tokenizer.Encode(examples[2].Completion).Count + 1, generated.MaxNewTokens);
        Assert.Equal(0, generated.PromptsTruncated);
        Assert.Equal(1.0 / 3, generated.ExactMatch, 12);
        Assert.Equal(2.0 / 3, generated.NormalizedExactMatch, 12); // SQuAD normalisation ignores case and punctuation
        Assert.Equal([0, 1, 2], result.Samples.Select(s => s.Index));
        Assert.All(result.Samples, s => Assert.Equal(firstSentence, s.Output));
        Assert.Equal(examples.Select(e => e.Completion), result.Samples.Select(s => s.Expected));
        Assert.Equal(EvaluationJson.Serialize(generated), EvaluationJson.Serialize(Assert.Single(result.Tasks).Generated)); // one task: the same figures
    }

    [Fact]
    public void Generation_is_capped_round_robin_across_tasks_while_teacher_forcing_covers_everything()
    {
        TrainingExample[] examples =
        [
            new("Once upon a time", firstSentence, "a"), new("Once upon", " a time", "a"), new("Once", " upon", "a"),
            new("Once upon a time", firstSentence, "b"), new("One day", ", Tom", null),
        ];
        var dataset = new EvaluationDataset("file-t", "t.jsonl", "sha", EvaluationDataKind.Instruction, examples, "rest");
        var settings = EvaluationSettings.Default with { MaxGeneratedExamples = 4, SamplesPerTask = 1 };

        var result = new ModelEvaluator(TrainingSetup.For(baby, tokenizer), tokenizer, settings).Evaluate(dataset, generate: true, default);

        Assert.Equal(["a", "b", "rest"], result.Tasks.Select(t => t.Task));
        Assert.Equal([3, 1, 1], result.Tasks.Select(t => t.TeacherForced!.Examples));
        Assert.Equal([2, 1, 1], result.Tasks.Select(t => t.Generated!.Examples)); // a, b, rest, then a again
        Assert.Equal(4, result.Overall.Generated!.Examples);
        Assert.Equal(5, result.Overall.TeacherForced!.Examples);
        Assert.Equal([(0, "a"), (3, "b"), (4, "rest")], result.Samples.Select(s => (s.Index, s.Task)));
        Assert.Equal(1.0, result.Tasks[1].Generated!.ExactMatch);
    }

    public void Dispose() => baby.Dispose();
}
