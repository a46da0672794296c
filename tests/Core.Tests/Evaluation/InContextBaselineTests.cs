using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Evaluation;

/// <summary>The in-context-learning baseline: shots drawn from the training data, dropped when the context is full.</summary>
public sealed class InContextBaselineTests
{
    static readonly TrainingExample[] Pool =
    [
        new("A1?", " a1", "a"), new("A2?", " a2", "a"), new("A3?", " a3", "a"), new("q?", " leak", "a"),
        new("B1?", " b1", "b"), new("B2?", " b2", "b"),
    ];

    [Fact]
    public void Shots_come_from_the_test_examples_task_never_repeat_its_prompt_and_are_seeded()
    {
        TrainingExample[] test = [new("q?", " x", "a"), new("r?", " y", "b"), new("s?", " z", "c")];

        var (prompts, summary) = IclPrompts.Build(test, Pool, shots: 2, seed: 3, fits: _ => true);

        for (int i = 0; i < test.Length; i++)
        {
            Assert.EndsWith(IclPrompts.Separator + test[i].Prompt, prompts[i].Prompt);
            var shots = prompts[i].Prompt[..^test[i].Prompt.Length].Split(IclPrompts.Separator, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, shots.Length);
            Assert.Equal(2, shots.Distinct().Count());
            // Task c has no training examples: its shots come from all of them.
            var allowed = Pool.Where(p => test[i].Task == "c" || p.Task == test[i].Task).Where(p => p.Prompt != test[i].Prompt).Select(p => p.Prompt + p.Completion);
            Assert.All(shots, s => Assert.Contains(s, allowed));
            Assert.Equal(test[i] with { Prompt = prompts[i].Prompt }, prompts[i]);
        }
        Assert.Equal((2, 3, 0, 0, 2.0), (summary.Shots, summary.Prompts, summary.PromptsWithFewerShots, summary.PromptsWithoutShots, summary.MeanShotsUsed));
        Assert.Equal(prompts, IclPrompts.Build(test, Pool, shots: 2, seed: 3, fits: _ => true).Examples);
    }

    [Fact]
    public void Shots_that_do_not_fit_are_dropped_from_the_front_down_to_none()
    {
        TrainingExample[] test = [new("q?", " x", "a"), new(new string('r', 12), " y", "a"), new(new string('s', 30), " z", "a")];
        const int Limit = 24; // a shot takes 3 + 3 + 2 = 8 characters

        var (prompts, summary) = IclPrompts.Build(test, Pool, shots: 2, seed: 5, fits: e => e.Prompt.Length <= Limit);

        Assert.Equal([2, 1, 0], prompts.Select(p => p.Prompt.Split(IclPrompts.Separator).Length - 1));
        Assert.Equal(test[2], prompts[2]);
        Assert.Equal((2, 1, 1.0), (summary.PromptsWithFewerShots, summary.PromptsWithoutShots, summary.MeanShotsUsed));
    }

    [Fact]
    public void The_evaluator_counts_prompts_that_no_longer_fit_the_models_context()
    {
        // llama-tiny has a context of 128 tokens; one character is one token here, and BOS comes first.
        var tokenizer = new CharacterTokenizer();
        using var llama = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
        TrainingExample[] pool = [.. Enumerable.Range(0, 6).Select(i => new TrainingExample($"Question {i}: {new string('x', 20)}?", $" answer {i}"))];
        TrainingExample[] test = [.. new[] { 5, 30, 60, 100 }.Select(n => new TrainingExample(new string('q', n) + "?", " yes"))];
        var dataset = new EvaluationDataset("file-t", "t.jsonl", "sha", EvaluationDataKind.Instruction, test, "t");

        var result = new ModelEvaluator(TrainingSetup.For(llama, tokenizer), tokenizer, EvaluationSettings.Default)
            .EvaluateInContext(dataset, pool, shots: 3, seed: 1, default);

        const int Shot = 33 + 9 + 2;       // "Question i: x…x?" + " answer i" + "\n\n"
        const int Room = 128 - 1 - 5;      // BOS; " yes" + EOS is also the generation budget
        int[] kept = [.. test.Select(t => Enumerable.Range(0, 4).Last(k => k * Shot + t.Prompt.Length <= Room))];
        Assert.Equal([2, 2, 1, 0], kept);
        var icl = result.Icl!;
        Assert.Equal((3, 4, 4, 1), (icl.Shots, icl.Prompts, icl.PromptsWithFewerShots, icl.PromptsWithoutShots));
        Assert.Equal(kept.Average(), icl.MeanShotsUsed, 12);
        Assert.Equal(4 * 5, result.Overall.TeacherForced!.Tokens); // the completions alone are scored, none cut
        Assert.Equal(4, result.Overall.Generated!.Examples);
        Assert.Equal(0, result.Overall.Generated.PromptsTruncated);
        Assert.All(result.Samples, s => Assert.EndsWith(test[s.Index].Prompt, s.Prompt));
    }

    [Fact]
    public void Shots_are_joined_by_a_blank_line_only_where_the_tokenizer_can_write_one()
    {
        // The shipped character-level tokenizer has no newline piece: "\n\n" would be two <unk> tokens per shot.
        var babyLlama = Core.Tokenization.TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        Assert.Contains(babyLlama.UnkId!.Value, babyLlama.Encode("\n\n"));
        Assert.Equal(IclPrompts.PlainSeparator, IclPrompts.SeparatorFor(babyLlama));

        // GPT-2's byte-level BPE writes any byte, newlines included.
        var gpt2 = Core.Tokenization.TokenizerLoader.FromModelFolder(TestPaths.Fixture("tokenizers-real", "gpt2"));
        Assert.Equal(IclPrompts.Separator, IclPrompts.SeparatorFor(gpt2));

        var (prompts, summary) = IclPrompts.Build([new("q?", " x", "a")], Pool, shots: 1, seed: 1, fits: _ => true, IclPrompts.PlainSeparator);
        Assert.Equal(" ", summary.Separator);
        Assert.DoesNotContain("\n", prompts[0].Prompt);
        Assert.EndsWith(" q?", prompts[0].Prompt);
    }
}
