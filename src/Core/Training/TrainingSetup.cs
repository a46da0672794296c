using TorchSharp;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Training;

/// <summary>The objective and example tokenizer that fit a loaded model: causal LMs or encoder-decoder models.</summary>
public sealed record TrainingSetup(ITrainingObjective Objective, IExampleTokenizer Examples, int ContextLength)
{
    /// <summary>The adapters being trained when the setup came from <see cref="ForLora"/>; null for full fine-tuning.</summary>
    public LoraModel? Lora { get; init; }

    /// <summary>
    /// LoRA fine-tuning: as <see cref="For"/>, after wrapping the target layers of <paramref name="loaded"/>'s model
    /// with adapters and freezing everything else. The trainer optimises only parameters that require grad, so it
    /// trains the adapters alone; save them with <see cref="LoraModel.SaveAdapter"/> or merged with
    /// <see cref="LoraModel.SaveMerged"/> (PretrainedModelWriter.Save on the model also writes it merged).
    /// </summary>
    /// <param name="seed">Seeds the adapters' initial A matrices; null uses torch's global generator.</param>
    public static TrainingSetup ForLora(LoadedModel loaded, ITextTokenizer tokenizer, LoraConfig lora, long? seed = null,
        int? maxSeqLength = null, bool trainOnInputs = false)
    {
        var setup = For(loaded, tokenizer, maxSeqLength, trainOnInputs); // refuses unsupported models before anything is wrapped
        return setup with { Lora = LoraModel.Apply(loaded, lora, seed) };
    }

    /// <param name="maxSeqLength">A limit below the model's context (the job's `max_seq_length`), or null.</param>
    /// <param name="trainOnInputs">Loss on prompt tokens too (decoder-only models; an encoder's input has no loss).</param>
    public static TrainingSetup For(LoadedModel loaded, ITextTokenizer tokenizer, int? maxSeqLength = null, bool trainOnInputs = false)
    {
        // T5's relative positions have no hard limit; its config's n_positions (512 by default) bounds input and target.
        var context = Math.Min(loaded.Config.MaxPositionEmbeddings, maxSeqLength ?? int.MaxValue);
        return loaded.Model switch
        {
            CausalLanguageModel causal => new TrainingSetup(new CausalObjective(causal), new ExampleTokenizer(tokenizer, context, trainOnInputs), context),
            Seq2SeqLanguageModel seq2seq => new TrainingSetup(
                new Seq2SeqObjective(seq2seq, context, tokenizer.PadId ?? 0), new Seq2SeqExampleTokenizer(tokenizer, context, context), context),
            _ => throw new NotSupportedException($"Fine-tuning is not supported for model type '{loaded.Config.ModelType}'."),
        };
    }
}
