using TuningService.Core.Models;

namespace TuningService.Core.Generation;

/// <summary>
/// Greedy (argmax) decoding of one prompt by ids, without a tokenizer: a thin front for <see cref="TextGenerator"/>
/// (the one decoding loop), for callers that only have ids. Uses the model's key/value cache when it has one.
/// </summary>
public static class GreedyGenerator
{
    /// <param name="model">Left in the training mode it was in; runs in eval mode without gradients here.</param>
    /// <param name="promptIds">At least one id (include BOS if the model expects it).</param>
    /// <param name="maxNewTokens">Upper bound on new tokens; prompt + new tokens must fit the model's context.</param>
    /// <param name="stopTokenId">Stop as soon as this id is produced (it is not returned); null never stops early.</param>
    public static GenerationResult Generate(CausalLanguageModel model, IReadOnlyList<int> promptIds, int maxNewTokens, int? stopTokenId)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        var options = new GenerationOptions
        {
            MaxNewTokens = maxNewTokens,
            Temperature = 0,
            StopTokenIds = stopTokenId is { } stop ? [stop] : [],
        };
        var output = TextGenerator.Run(model, tokenizer: null, [promptIds], options, onToken: null, CancellationToken.None)[0];
        return new GenerationResult(output.TokenIds, StoppedAtStopToken: output.FinishReason == FinishReasons.Stop);
    }
}
