using System.Text.Json;
using TorchSharp;
using TuningService.Core.Datasets.Statistics;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.Datasets.Statistics;

/// <summary>
/// The framing built from a model's config alone must tokenize exactly as the trainer's setup built from the loaded
/// model (TrainingSetup.For), or statistics and dry runs would count other tokens than the loss sees.
/// </summary>
public sealed class TrainingFramingTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData(48, false)]
    [InlineData(48, true)]
    public void The_shipped_model_frames_the_sample_data_as_its_training_setup_does(int? maxSeqLength, bool trainOnInputs)
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, torch.CPU);
        var setup = TrainingSetup.For(loaded, TokenizerLoader.FromModelFolder(TestPaths.BabyLlama), maxSeqLength, trainOnInputs);
        var framing = TrainingFraming.ForModel(TestPaths.BabyLlama, maxSeqLength, trainOnInputs);

        Assert.False(framing.IsEncoderDecoder);
        Assert.Equal(setup.ContextLength, framing.ContextLength);
        Assert.Equal(setup.Examples.PaddingId, framing.Examples.PaddingId);
        var truncated = 0;
        foreach (var (prompt, completion) in SamplePairs())
        {
            var expected = setup.Examples.Tokenize(prompt, completion);
            var actual = framing.Examples.Tokenize(prompt, completion);
            Assert.Equal(expected.InputIds, actual.InputIds);
            Assert.Equal(expected.Labels, actual.Labels);
            Assert.Equal(expected.WasTruncated, actual.WasTruncated);
            if (actual.WasTruncated) truncated++;
        }
        if (maxSeqLength is not null) Assert.True(truncated > 0, "the limit should truncate some sample records");
    }

    [Theory]
    [InlineData("llama-tiny", false)]
    [InlineData("gpt2-tiny", false)]
    [InlineData("flan-t5-tiny", true)]
    public void Each_family_is_framed_as_its_loaded_model_is(string fixture, bool encoderDecoder)
    {
        var folder = TestPaths.Fixture("models", fixture);
        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        var tokenizer = new CharacterTokenizer();
        var setup = TrainingSetup.For(loaded, tokenizer, maxSeqLength: 12, trainOnInputs: true);
        var framing = TrainingFraming.ForConfig(PretrainedModelLoader.LoadConfig(folder), tokenizer, maxSeqLength: 12, trainOnInputs: true);

        Assert.Equal(encoderDecoder, loaded.Model is Seq2SeqLanguageModel);
        Assert.Equal(encoderDecoder, framing.IsEncoderDecoder);
        Assert.Equal(setup.ContextLength, framing.ContextLength);
        Assert.Equal(setup.Examples.GetType(), framing.Examples.GetType());
        foreach (var (prompt, completion) in new[] { ("ab", "c"), ("a long prompt here", "and more"), ("", "x") })
        {
            var expected = setup.Examples.Tokenize(prompt, completion);
            var actual = framing.Examples.Tokenize(prompt, completion);
            Assert.Equal(expected.InputIds, actual.InputIds);
            Assert.Equal(expected.Labels, actual.Labels);
        }
        // The fine-tuning recipe's cache key for these tokens: the dry run must hit the entries the job writes.
        Assert.Equal($"{setup.Objective.GetType().Name}:{setup.ContextLength}:{true}", framing.CacheKey);
    }

    [Fact]
    public void A_limit_above_the_models_context_is_capped_as_a_job_caps_it()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(), isEncoderDecoder: false, modelContext: 256, maxSeqLength: 100_000);

        Assert.Equal(256, framing.ContextLength);
    }

    static IEnumerable<(string Prompt, string Completion)> SamplePairs() =>
        File.ReadLines(Path.Combine(TestPaths.RepoRoot, "samples", "sst2-sentiment-train.jsonl")).Take(60).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return (json.RootElement.GetProperty("prompt").GetString()!, json.RootElement.GetProperty("completion").GetString()!);
        });
}
