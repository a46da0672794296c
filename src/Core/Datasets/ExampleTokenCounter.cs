using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Datasets;

/// <summary>
/// Counts an example's tokens the way training frames it for one model: a causal model reads
/// <c>[BOS] prompt completion EOS</c> as one sequence (<see cref="ExampleTokenizer"/>); an encoder-decoder model
/// reads <c>prompt EOS</c> and predicts <c>completion EOS</c>, each bounded by the context
/// (<see cref="Seq2SeqExampleTokenizer"/>), so its count is the longer of the two.
/// </summary>
/// <param name="framing">The model's example tokenizer, built without a length limit so that counts are never cut.</param>
/// <param name="contextLength">The model's context (config.json).</param>
/// <param name="maxTokens">The limit examples are held to: the context, or less.</param>
public sealed class ExampleTokenCounter(IExampleTokenizer framing, int contextLength, int maxTokens)
{
    public int ContextLength { get; } = contextLength;
    public int MaxTokens { get; } = maxTokens;

    /// <summary>
    /// The counter for the model in <paramref name="folder"/>, limited to its context: its tokenizer and the framing
    /// <see cref="TrainingSetup.For"/> picks, chosen from config.json alone, so the weights (possibly gigabytes)
    /// are not loaded just to count tokens.
    /// </summary>
    public static ExampleTokenCounter ForModelFolder(string folder)
    {
        var config = PretrainedModelLoader.LoadConfig(folder);
        var tokenizer = TokenizerLoader.FromModelFolder(folder);
        // The same choice TrainingSetup.For makes on the loaded module (Seq2SeqLanguageModel vs CausalLanguageModel);
        // T5 is the only encoder-decoder family ModelFamilies knows.
        IExampleTokenizer framing = config is T5Config
            ? new Seq2SeqExampleTokenizer(tokenizer, int.MaxValue, int.MaxValue)
            : new ExampleTokenizer(tokenizer, int.MaxValue);
        return new ExampleTokenCounter(framing, config.MaxPositionEmbeddings, config.MaxPositionEmbeddings);
    }

    /// <summary>This counter held to a lower limit (a job's max_seq_length).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is under 1 or over the context.</exception>
    public ExampleTokenCounter WithMaxTokens(int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTokens, ContextLength);
        return new ExampleTokenCounter(framing, ContextLength, maxTokens);
    }

    /// <summary>The example's length in tokens as training would see it before any truncation.</summary>
    public int Count(string prompt, string completion)
    {
        var tokens = framing.Tokenize(prompt, completion);
        return Math.Max(tokens.InputIds.Length, tokens.Labels.Length);
    }

    /// <summary>Whether training would take the example whole (no truncation).</summary>
    public bool Fits(string prompt, string completion) => Count(prompt, completion) <= MaxTokens;
}
