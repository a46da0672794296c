using TorchSharp;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Training;

/// <summary>The objective and example tokenizer that fit a loaded model: causal LMs or encoder-decoder models.</summary>
public sealed record TrainingSetup(ITrainingObjective Objective, IExampleTokenizer Examples, int ContextLength)
{
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
