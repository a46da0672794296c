namespace TuningService.Core.Tokenization.TokenizerJson.PostProcessors;

/// <summary>
/// tokenizers' Sequence post-processor: each processor in turn. For a pair, the first processor that adds tokens
/// joins the two sequences; an offsets-only one leaves them apart for the next.
/// </summary>
internal sealed class SequenceProcessor(IReadOnlyList<IPostProcessor> processors) : IPostProcessor
{
    public IReadOnlyList<IPostProcessor> Processors => processors;

    public List<int> Process(List<int> first, List<int>? second)
    {
        foreach (var processor in processors)
        {
            if (processor is OffsetsOnlyProcessor)
            {
                continue;
            }

            first = processor.Process(first, second);
            second = null;
        }

        return second is null ? first : [.. first, .. second];
    }
}
