namespace TuningService.Core.Tokenization.TokenizerJson.PostProcessors;

/// <summary>
/// One post-processor of tokenizer.json: the special tokens encode(text) adds around one sequence or a pair.
/// Only ids matter here; a processor that only moves offsets (ByteLevel) returns the ids unchanged.
/// </summary>
internal interface IPostProcessor
{
    List<int> Process(List<int> first, List<int>? second);
}
