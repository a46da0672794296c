using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// Greedy (argmax) decoding for decoder-only models. Each step recomputes the whole sequence (no KV cache yet),
/// which equals HF generate(do_sample=False) up to fp32 rounding.
/// </summary>
public static class GreedyGenerator
{
    /// <param name="model">Left in the training mode it was in; runs in eval mode without gradients here.</param>
    /// <param name="promptIds">At least one id (include BOS if the model expects it).</param>
    /// <param name="maxNewTokens">Upper bound on new tokens; prompt + new tokens must fit the model's context.</param>
    /// <param name="stopTokenId">Stop as soon as this id is produced (it is not returned); null never stops early.</param>
    public static GenerationResult Generate(CausalLanguageModel model, IReadOnlyList<int> promptIds, int maxNewTokens, int? stopTokenId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Count == 0)
            throw new ArgumentException("The prompt needs at least one token.", nameof(promptIds));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (promptIds.Count + maxNewTokens > model.MaxPositions)
            throw new ArgumentException($"Prompt ({promptIds.Count} tokens) plus {maxNewTokens} new tokens exceeds the model's context of {model.MaxPositions}.", nameof(maxNewTokens));

        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var device = model.parameters().First().device;
            var sequence = promptIds.Select(id => (long)id).ToList();
            var generated = new List<int>(maxNewTokens);
            for (var step = 0; step < maxNewTokens; step++)
            {
                using var scope = NewDisposeScope();
                var ids = tensor(sequence.ToArray(), ScalarType.Int64, device).unsqueeze(0);
                var logits = model.forward(ids);
                // One host sync per step is inherent: the next input and the stop test need the chosen id.
                var next = (int)logits[0, -1].argmax().item<long>();
                if (next == stopTokenId)
                    return new GenerationResult(generated, StoppedAtStopToken: true);
                generated.Add(next);
                sequence.Add(next);
            }
            return new GenerationResult(generated, StoppedAtStopToken: false);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
