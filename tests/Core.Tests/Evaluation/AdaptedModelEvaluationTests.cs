using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Evaluation;

/// <summary>
/// An encoder-decoder model with a PEFT LoRA adapter (flan-t5-tiny + flan-t5-tiny-lora) is evaluated through its
/// adapters: its teacher-forced loss equals the loss the test computes with a plain forward pass of the merged
/// checkpoint that PEFT wrote (flan-t5-tiny-lora-merged), and differs from the bare base model's.
/// </summary>
public sealed class AdaptedModelEvaluationTests
{
    static readonly CharacterTokenizer Tokenizer = new();

    static readonly TrainingExample[] Examples = [new("translate: cat", " chat"), new("translate: dog", " chien"), new("2+2=", "4")];

    [Fact]
    public void A_lora_adapted_seq2seq_model_scores_as_its_merged_checkpoint()
    {
        using var adapted = PretrainedModelLoader.Load(TestPaths.Fixture("models", "flan-t5-tiny"), CPU);
        PeftAdapterLoader.Apply(adapted.Model, TestPaths.Fixture("models", "flan-t5-tiny-lora"));
        using var bare = PretrainedModelLoader.Load(TestPaths.Fixture("models", "flan-t5-tiny"), CPU);
        using var merged = PretrainedModelLoader.Load(TestPaths.Fixture("models", "flan-t5-tiny-lora-merged"), CPU);
        var dataset = new EvaluationDataset("file-t", "t.jsonl", "sha", EvaluationDataKind.Instruction, Examples, "t");

        var withAdapter = Evaluate(adapted, dataset);
        var withoutAdapter = Evaluate(bare, dataset);

        var (nll, tokens) = MergedScore((T5ForConditionalGeneration)merged.Model);
        Assert.Equal(tokens, withAdapter.Tokens);
        Golden.AssertLossClose(nll / tokens, withAdapter.Loss, "adapted model's loss");
        Assert.True(Math.Abs(withoutAdapter.Loss - withAdapter.Loss) > 1e-3, "the adapter changes the loss");
    }

    static TeacherForcedMetrics Evaluate(LoadedModel loaded, EvaluationDataset dataset) =>
        new ModelEvaluator(TrainingSetup.For(loaded, Tokenizer), Tokenizer, EvaluationSettings.Default)
            .Evaluate(dataset, generate: false, default).Overall.TeacherForced!;

    /// <summary>Encoder: prompt EOS; decoder: start token then the target shifted right; every target token scored.</summary>
    static (double Nll, long Tokens) MergedScore(T5ForConditionalGeneration model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        double nll = 0;
        long tokens = 0;
        foreach (var example in Examples)
        {
            long[] input = [.. Tokenizer.Encode(example.Prompt).Select(i => (long)i), CharacterTokenizer.Eos];
            long[] target = [.. Tokenizer.Encode(example.Completion).Select(i => (long)i), CharacterTokenizer.Eos];
            long[] decoderInput = [model.DecoderStartTokenId, .. target[..^1]];
            var logProbs = model.forward(tensor(input).unsqueeze(0), tensor(decoderInput).unsqueeze(0))[0].log_softmax(-1);
            for (int t = 0; t < target.Length; t++) nll -= logProbs[t, target[t]].item<float>();
            tokens += target.Length;
        }
        return (nll, tokens);
    }
}
