namespace TuningService.Core.Tokenization.TokenizerJson.PostProcessors;

/// <summary>
/// tokenizers' TemplateProcessing (and RobertaProcessing/BertProcessing, which are fixed templates): the single or
/// pair template written out, special tokens as the ids their special_tokens entry lists.
/// </summary>
internal sealed class TemplateProcessor(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair) : IPostProcessor
{
    public IReadOnlyList<TemplatePiece> Single => single;

    public List<int> Process(List<int> first, List<int>? second)
    {
        var result = new List<int>(first.Count + (second?.Count ?? 0) + 4);
        foreach (var piece in second is null ? single : pair)
        {
            if (piece.SpecialIds is { } ids)
            {
                result.AddRange(ids);
            }
            else
            {
                result.AddRange(piece.Sequence == 0 ? first : second ?? []);
            }
        }

        return result;
    }
}
