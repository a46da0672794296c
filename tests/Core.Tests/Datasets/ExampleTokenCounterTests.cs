using TorchSharp;
using TuningService.Core.Datasets;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using static TuningService.Core.Tests.Datasets.DatasetFiles;

namespace TuningService.Core.Tests.Datasets;

public sealed class ExampleTokenCounterTests
{
    [Fact]
    public void The_shipped_model_counts_bos_prompt_completion_and_eos()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var counter = ExampleTokenCounter.ForModelFolder(TestPaths.BabyLlama);
        Assert.True(tokenizer.AddBos);
        const string prompt = "Review: a gentle , funny film . Sentiment:", completion = " positive";

        Assert.Equal(1 + tokenizer.Encode(prompt).Count + tokenizer.Encode(completion).Count + 1, counter.Count(prompt, completion));
        Assert.Equal((256, 256), (counter.ContextLength, counter.MaxTokens));
    }

    [Fact]
    public void Fits_and_counts_agree_with_the_training_tokenizer_of_the_shipped_model()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, torch.CPU);
        var training = TrainingSetup.For(loaded, TokenizerLoader.FromModelFolder(TestPaths.BabyLlama), maxSeqLength: 64).Examples;
        var counter = ExampleTokenCounter.ForModelFolder(TestPaths.BabyLlama).WithMaxTokens(64);

        var verdicts = Read(Sst2Train).Select(r => r.ToExample()).Select(e =>
        {
            var tokens = training.Tokenize(e.Prompt, e.Completion);
            Assert.Equal(!tokens.WasTruncated, counter.Fits(e.Prompt, e.Completion));
            if (!tokens.WasTruncated) Assert.Equal(tokens.Length, counter.Count(e.Prompt, e.Completion));
            return tokens.WasTruncated;
        }).ToList();
        Assert.Contains(true, verdicts);
        Assert.Contains(false, verdicts);
    }

    [Fact]
    public void An_encoder_decoder_model_is_counted_as_training_frames_it()
    {
        // flan-t5-tiny's config and weights with the real T5 SentencePiece model beside them.
        var folder = Directory.CreateTempSubdirectory("t5-counter-").FullName;
        try
        {
            foreach (var name in new[] { "config.json", "model.safetensors" })
                File.Copy(TestPaths.Fixture("models", "flan-t5-tiny", name), Path.Combine(folder, name));
            File.Copy(TestPaths.Fixture("tokenizers-real", "t5", "spiece.model"), Path.Combine(folder, "spiece.model"));
            using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
            var training = TrainingSetup.For(loaded, TokenizerLoader.FromModelFolder(folder), maxSeqLength: 16).Examples;
            var counter = ExampleTokenCounter.ForModelFolder(folder).WithMaxTokens(16);

            (string Prompt, string Completion)[] pairs =
            [
                ("Translate to German: the house", "das Haus"),
                ("Summarize: " + string.Join(" ", Enumerable.Repeat("the cat sat on the mat", 5)), "a cat"),
                ("Question: what?", string.Join(" ", Enumerable.Repeat("a long answer that goes on", 5))),
            ];
            Assert.Equal(pairs.Select(p => !training.Tokenize(p.Prompt, p.Completion).WasTruncated), pairs.Select(p => counter.Fits(p.Prompt, p.Completion)));
            Assert.Equal([true, false, false], pairs.Select(p => counter.Fits(p.Prompt, p.Completion)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_limit_above_the_context_is_refused()
    {
        var counter = ExampleTokenCounter.ForModelFolder(TestPaths.BabyLlama);
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.WithMaxTokens(257));
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.WithMaxTokens(0));
    }
}
