namespace TuningService.Core.Tokenization.TokenizerJson.PostProcessors;

/// <summary>A post-processor that adds no token (ByteLevel: it trims offsets); a pair is the two sequences joined.</summary>
internal sealed class OffsetsOnlyProcessor : IPostProcessor
{
    public List<int> Process(List<int> first, List<int>? second) => second is null ? first : [.. first, .. second];
}
