using TorchSharp;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Training;

/// <summary>The objective and example tokenizer that fit a loaded model: causal LMs or encoder-decoder models.</summary>
public sealed record TrainingSetup(ITrainingObjective Objective, IExampleTokenizer Examples, int ContextLength)
{
    public static TrainingSetup For(LoadedModel loaded, ITextTokenizer tokenizer) => loaded.Model switch
    {
        CausalLanguageModel causal => new TrainingSetup(new CausalObjective(causal), new ExampleTokenizer(tokenizer, causal.MaxPositions), causal.MaxPositions),
        // T5's relative positions have no hard limit; its config's n_positions (512 by default) bounds input and target.
        Seq2SeqLanguageModel seq2seq => new TrainingSetup(
            new Seq2SeqObjective(seq2seq, loaded.Config.MaxPositionEmbeddings, tokenizer.PadId ?? 0),
            new Seq2SeqExampleTokenizer(tokenizer, loaded.Config.MaxPositionEmbeddings, loaded.Config.MaxPositionEmbeddings),
            loaded.Config.MaxPositionEmbeddings),
        _ => throw new NotSupportedException($"Fine-tuning is not supported for model type '{loaded.Config.ModelType}'."),
    };
}
