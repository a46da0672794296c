using TuningService.Core.Models;

namespace TuningService.Core.Generation;

/// <summary>
/// Greedy (argmax) decoding for encoder-decoder models, as HF generate(do_sample=False, num_beams=1), by ids and
/// without a tokenizer: a thin front for <see cref="TextGenerator"/> (the one decoding loop).
/// </summary>
public static class Seq2SeqGreedyGenerator
{
    /// <param name="model">Left in the training mode it was in; runs in eval mode without gradients here.</param>
    /// <param name="inputIds">The encoder input, at least one id (T5: ending with eos).</param>
    /// <param name="maxNewTokens">Upper bound on new tokens.</param>
    /// <param name="stopTokenId">Stop as soon as this id is produced (it is not returned); null never stops early.</param>
    /// <param name="useCache">Decode one new position per step against cached keys/values; false recomputes the
    /// whole decoder sequence every step (same tokens, slower; kept to check the cache against).</param>
    public static GenerationResult Generate(Seq2SeqLanguageModel model, IReadOnlyList<int> inputIds, int maxNewTokens,
        int? stopTokenId, bool useCache = true)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        var options = new GenerationOptions
        {
            MaxNewTokens = maxNewTokens,
            Temperature = 0,
            StopTokenIds = stopTokenId is { } stop ? [stop] : [],
            UseCache = useCache,
        };
        var output = TextGenerator.Run(model, tokenizer: null, [inputIds], options, onToken: null, CancellationToken.None)[0];
        return new GenerationResult(output.TokenIds, StoppedAtStopToken: output.FinishReason == FinishReasons.Stop);
    }
}
