using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>The token-by-token loop shared by every model shape: score, choose, record, until all rows finish.</summary>
internal static class DecodingLoop
{
    /// <param name="rows">One state per scorer row, in row order.</param>
    public static void Run(INextTokenScorer scorer, IReadOnlyList<CompletionState> rows, TokenSampler sampler,
        int? logprobs, int maxNewTokens, Action<int, GeneratedToken>? onToken, CancellationToken ct)
    {
        int[]? previous = null;
        for (var step = 0; step < maxNewTokens; step++)
        {
            ct.ThrowIfCancellationRequested();
            // Everything a step creates dies with it; the cache owns (detached) tensors that outlive it.
            using var scope = NewDisposeScope();
            var logits = previous is null ? scorer.Start() : scorer.Next(previous);
            var choices = sampler.Choose(logits);
            // One host read per step is inherent: stopping and the next input need the chosen ids.
            var ids = choices.cpu().data<long>().Select(id => (int)id).ToArray();
            var stepLogprobs = logprobs is { } top ? StepLogprobs.Read(logits, choices, top) : null;
            for (var row = 0; row < rows.Count; row++)
            {
                // Finished rows stay in the batch (their picks are ignored): the cache cannot drop a row cheaply.
                if (rows[row].Finished)
                    continue;
                var token = rows[row].Add(ids[row], stepLogprobs, row, budgetSpent: step == maxNewTokens - 1);
                onToken?.Invoke(rows[row].PromptIndex, token);
            }
            if (rows.All(r => r.Finished))
                return;
            previous = ids;
        }
    }
}
