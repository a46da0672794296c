using TuningService.Core.Tokenization.TokenizerJson.AddedTokens;
using TuningService.Core.Tokenization.TokenizerJson.Decoders;
using TuningService.Core.Tokenization.TokenizerJson.Models;
using TuningService.Core.Tokenization.TokenizerJson.Normalizers;
using TuningService.Core.Tokenization.TokenizerJson.PostProcessors;
using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson;

/// <summary>
/// The steps a tokenizer.json defines, as read: added tokens, normalizers, pre-tokenizers and decoders (Sequences
/// flattened), the model and the post-processor. <see cref="MapBytesBeforeModel"/>: the last pre-tokenizer is
/// ByteLevel, whose byte mapping is done just before the model (so the cache is keyed by unmapped text).
/// </summary>
internal sealed record TokenizerJsonPipeline(
    string Source,
    IReadOnlyList<AddedTokenRule> AddedTokens,
    IReadOnlyList<ITextNormalizer> Normalizers,
    IReadOnlyList<IPreTokenizer> PreTokenizers,
    bool MapBytesBeforeModel,
    ITokenModel Model,
    IReadOnlyList<ITokenDecoder> Decoders,
    IPostProcessor? PostProcessor);
