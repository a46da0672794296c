using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>One step's log-probabilities on the host: the chosen token's and the top-k alternatives of every row.</summary>
internal sealed class StepLogprobs
{
    private readonly float[] chosen;
    private readonly long[] topIds;
    private readonly float[] topValues;
    private readonly int top;

    private StepLogprobs(float[] chosen, long[] topIds, float[] topValues, int top)
    {
        this.chosen = chosen;
        this.topIds = topIds;
        this.topValues = topValues;
        this.top = top;
    }

    /// <param name="logits">[rows, vocab] float32, as the model produced them (before sampling filters).</param>
    /// <param name="choices">[rows] int64.</param>
    /// <param name="top">Alternatives per row (0 = none).</param>
    public static StepLogprobs Read(Tensor logits, Tensor choices, int top)
    {
        var logprobs = logits.log_softmax(-1);
        var chosen = logprobs.gather(1, choices.unsqueeze(1)).cpu().data<float>().ToArray();
        if (top == 0)
            return new StepLogprobs(chosen, [], [], 0);
        var (values, ids) = logprobs.topk(top);
        return new StepLogprobs(chosen, ids.cpu().data<long>().ToArray(), values.cpu().data<float>().ToArray(), top);
    }

    public float Chosen(int row) => chosen[row];

    /// <summary>Row's alternatives, most likely first.</summary>
    public IEnumerable<(int TokenId, float Logprob)> Top(int row) =>
        Enumerable.Range(row * top, top).Select(i => ((int)topIds[i], topValues[i]));
}
