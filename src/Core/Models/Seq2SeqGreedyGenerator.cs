using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// Greedy (argmax) decoding for encoder-decoder models, as HF generate(do_sample=False, num_beams=1): encode the
/// input once, then extend the decoder sequence from the decoder start token one argmax at a time.
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
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.Count == 0)
            throw new ArgumentException("The input needs at least one token.", nameof(inputIds));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);

        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var outerScope = NewDisposeScope();
            using var cache = useCache ? model.CreateDecoderCache() : null;
            var device = model.parameters().First().device;
            var encoderHidden = model.Encode(tensor(inputIds.Select(id => (long)id).ToArray(), ScalarType.Int64, device).unsqueeze(0), null);
            var sequence = new List<long> { model.DecoderStartTokenId };
            var generated = new List<int>(maxNewTokens);
            for (var step = 0; step < maxNewTokens; step++)
            {
                using var scope = NewDisposeScope();
                // With a cache only the newest token is fed; its keys/values join the cache inside Decode.
                var fed = useCache ? sequence.GetRange(sequence.Count - 1, 1) : sequence;
                var ids = tensor(fed.ToArray(), ScalarType.Int64, device).unsqueeze(0);
                var logits = model.Decode(ids, encoderHidden, null, cache);
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
