using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TuningService.Core.Tokenization.TokenizerJson.AddedTokens;
using TuningService.Core.Tokenization.TokenizerJson.PostProcessors;
using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson;

/// <summary>
/// A Hugging Face tokenizer.json, any supported pipeline, encoding and decoding as the tokenizers library does:
/// added tokens are cut out of the raw text first (leftmost, longest; special or not), each stretch between them
/// goes through normalizer → pre-tokenizer → model, and decoding maps ids to token strings (skipping special added
/// tokens when asked) and runs the decoder. <see cref="Encode"/> adds no special token; <see cref="EncodeWithSpecialTokens"/>
/// adds the post-processor's (transformers' encode(text)). Pre-tokens are cached with their ids (bounded), so
/// common words cost one lookup by span.
/// </summary>
public sealed class TokenizerJsonTextTokenizer : ITextTokenizer
{
    // Bounded so memory stays flat on any corpus; past it, new pre-tokens are encoded every time (as tokenizers' cache).
    private const int CacheCapacity = 200_000;
    private const int MaxCachedLength = 256;

    private readonly TokenizerJsonPipeline _pipeline;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher? _normalizedMatcher;
    private readonly Dictionary<int, AddedTokenRule> _addedById;
    private readonly Dictionary<string, int> _addedByContent;
    private readonly string?[] _tokenById;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private readonly SpecialTokenIds _specialTokens;
    private readonly bool _cleanUpTokenizationSpaces;

    // ConcurrentDictionary.Count takes every lock; a counter of the entries added is enough to bound the cache.
    private int _cacheEntries;

    [ThreadStatic]
    private static EncodeBuffers? t_buffers;

    internal TokenizerJsonTextTokenizer(TokenizerJsonPipeline pipeline, SpecialTokenIds? specialTokens = null, bool cleanUpTokenizationSpaces = false)
    {
        _pipeline = pipeline;
        _addedById = [];
        _addedByContent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in pipeline.AddedTokens)
        {
            _addedById.TryAdd(token.Id, token);
            _addedByContent.TryAdd(token.Content, token.Id);
        }

        _rawMatcher = new AddedTokenMatcher(pipeline.AddedTokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        var normalized = pipeline.AddedTokens.Where(t => t.Normalized).Select(t => (Normalize(t.Content), t)).ToList();
        _normalizedMatcher = normalized.Count > 0 ? new AddedTokenMatcher(normalized) : null;

        var maxId = Math.Max(pipeline.Model.Vocabulary.Count == 0 ? -1 : pipeline.Model.Vocabulary.Values.Max(), _addedById.Count == 0 ? -1 : _addedById.Keys.Max());
        _tokenById = new string?[maxId + 1];
        foreach (var (token, id) in pipeline.Model.Vocabulary)
        {
            _tokenById[id] ??= token;
        }

        foreach (var (id, token) in _addedById)
        {
            _tokenById[id] = token.Content;
        }

        VocabSize = maxId + 1;
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _specialTokens = specialTokens ?? DefaultSpecialTokens(pipeline, TokenToId);
        _cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        AddedTokens = [.. pipeline.AddedTokens.Select(t => new AddedToken(t.Id, t.Content, t.Special))];
    }

    /// <summary>One more than the highest id of the model or an added token (transformers' len(tokenizer)).</summary>
    public int VocabSize { get; }

    public int? BosId => _specialTokens.BosId;

    public int? EosId => _specialTokens.EosId;

    public int? PadId => _specialTokens.PadId;

    /// <summary>The model's unknown token; byte-level and byte-fallback models never need it.</summary>
    public int? UnkId => _pipeline.Model.UnkId;

    public bool AddBos => _specialTokens.AddBos;

    /// <summary>tokenizer.json's added_tokens, in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>
    /// A tokenizer.json alone, without a model folder's configs. BOS: the special token the post-processor puts
    /// first, added to sequences when there is one; no EOS or PAD. Throws NotSupportedException naming the
    /// component type and the file for anything of the pipeline that is not supported.
    /// </summary>
    public static TokenizerJsonTextTokenizer FromFile(string path) => new(TokenizerJsonFileReader.Read(path));

    /// <summary>The same tokenizer with other special ids and decoding clean-up (a model folder's configs).</summary>
    public TokenizerJsonTextTokenizer WithConfig(SpecialTokenIds specialTokens, bool cleanUpTokenizationSpaces)
    {
        foreach (var id in new[] { specialTokens.BosId, specialTokens.EosId, specialTokens.PadId })
        {
            if (id is { } value && IdToToken(value) is null)
            {
                throw new ArgumentOutOfRangeException(nameof(specialTokens), value, $"Special token id is not one of the tokenizer's ids ({_pipeline.Source}).");
            }
        }

        if (specialTokens.AddBos && specialTokens.BosId is null)
        {
            throw new ArgumentException("AddBos requires a BOS id.", nameof(specialTokens));
        }

        return new TokenizerJsonTextTokenizer(_pipeline, specialTokens, cleanUpTokenizationSpaces);
    }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeInto(text, ids);
        return ids;
    }

    /// <summary>transformers' encode(text): <see cref="Encode"/> with the post-processor's special tokens (none without one).</summary>
    public IReadOnlyList<int> EncodeWithSpecialTokens(string text)
    {
        var ids = (List<int>)Encode(text);
        return _pipeline.PostProcessor is { } processor ? processor.Process(ids, null) : ids;
    }

    /// <summary>transformers' encode(first, second): both sequences with the post-processor's pair template.</summary>
    public IReadOnlyList<int> EncodePairWithSpecialTokens(string first, string second)
    {
        var a = (List<int>)Encode(first);
        var b = (List<int>)Encode(second);
        return _pipeline.PostProcessor is { } processor ? processor.Process(a, b) : [.. a, .. b];
    }

    /// <summary>
    /// As transformers' decode: ids to token strings (special added tokens left out with
    /// <paramref name="skipSpecialTokens"/>; non-special ones are kept), the decoder, then clean_up_tokenization
    /// when the config asks for it. Throws ArgumentOutOfRangeException for an id the tokenizer does not have.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            var token = IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id is not one of the tokenizer's {VocabSize} ids.");
            if (skipSpecialTokens && _addedById.TryGetValue(id, out var added) && added.Special)
            {
                continue;
            }

            tokens.Add(token);
        }

        if (_pipeline.Decoders.Count == 0)
        {
            return Finish(string.Join(" ", tokens));
        }

        foreach (var decoder in _pipeline.Decoders)
        {
            decoder.DecodeChain(tokens);
        }

        return Finish(string.Concat(tokens));
    }

    /// <summary>The id of a vocabulary token ("Ġthe", "▁the") or of an added token ("&lt;|im_end|&gt;"), or null.</summary>
    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var added) ? added : _pipeline.Model.Vocabulary.TryGetValue(token, out var id) ? id : null;

    /// <summary>The token string of an id as the vocabulary writes it (transformers' convert_ids_to_tokens), or null.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_tokenById.Length ? _tokenById[id] : null;

    private string Finish(string text) => _cleanUpTokenizationSpaces ? Decoders.CleanUp.Tokenization(text) : text;

    private string Normalize(string text)
    {
        foreach (var normalizer in _pipeline.Normalizers)
        {
            text = normalizer.Normalize(text);
        }

        return text;
    }

    private void EncodeInto(string text, List<int> ids)
    {
        var buffers = t_buffers ??= new EncodeBuffers();
        var segments = buffers.TakeSegments();
        try
        {
            if (_rawMatcher.IsEmpty)
            {
                segments.Add(new AddedTokenSegment(0, text.Length, null));
            }
            else
            {
                _rawMatcher.Split(text, segments);
            }

            foreach (var segment in segments)
            {
                if (segment.Token is { } token)
                {
                    ids.Add(token.Id);
                }
                else
                {
                    EncodeStretch(text, segment.Start, segment.End, ids, buffers);
                }
            }
        }
        finally
        {
            buffers.ReturnSegments(segments);
        }
    }

    private void EncodeStretch(string text, int start, int end, List<int> ids, EncodeBuffers buffers)
    {
        ReadOnlyMemory<char> stretch = _pipeline.Normalizers.Count == 0
            ? text.AsMemory(start, end - start)
            : Normalize(text.Substring(start, end - start)).AsMemory();
        if (stretch.Length == 0)
        {
            return;
        }

        if (_normalizedMatcher is null)
        {
            PreTokenizeAndModel(new PreToken(stretch, start), ids, buffers);
            return;
        }

        var segments = new List<AddedTokenSegment>();
        _normalizedMatcher.Split(stretch.Span, segments);
        foreach (var segment in segments)
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
            }
            else
            {
                PreTokenizeAndModel(new PreToken(stretch[segment.Start..segment.End], start + segment.Start), ids, buffers);
            }
        }
    }

    private void PreTokenizeAndModel(PreToken stretch, List<int> ids, EncodeBuffers buffers)
    {
        var pieces = buffers.Pieces;
        var next = buffers.Next;
        pieces.Clear();
        pieces.Add(stretch);
        foreach (var preTokenizer in _pipeline.PreTokenizers)
        {
            next.Clear();
            foreach (var piece in pieces)
            {
                preTokenizer.Split(piece, next);
            }

            (pieces, next) = (next, pieces);
        }

        foreach (var piece in pieces)
        {
            AddWordIds(piece.Text.Span, ids);
        }

        // The lists may have been swapped; keep the pair for the next call.
        buffers.Pieces = pieces;
        buffers.Next = next;
    }

    private void AddWordIds(ReadOnlySpan<char> word, List<int> ids)
    {
        if (_cacheLookup.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        var modelWord = _pipeline.MapBytesBeforeModel ? ByteLevelAlphabetMap.Map(word) : word.ToString();
        var mark = ids.Count;
        _pipeline.Model.Tokenize(modelWord, ids);
        if (word.Length <= MaxCachedLength && Volatile.Read(ref _cacheEntries) < CacheCapacity
            && _cacheLookup.TryAdd(word, [.. CollectionsMarshal.AsSpan(ids)[mark..]]))
        {
            Interlocked.Increment(ref _cacheEntries);
        }
    }

    /// <summary>BOS: the special token a TemplateProcessing puts first for a single sequence (added then); no EOS or PAD.</summary>
    private static SpecialTokenIds DefaultSpecialTokens(TokenizerJsonPipeline pipeline, Func<string, int?> tokenToId)
    {
        var template = pipeline.PostProcessor switch
        {
            TemplateProcessor t => t,
            SequenceProcessor s => s.Processors.OfType<TemplateProcessor>().FirstOrDefault(),
            _ => null,
        };
        var bos = template?.Single is [{ SpecialIds: [var id] }, ..] ? id : (int?)null;
        return new SpecialTokenIds(bos, EosId: null, PadId: null, AddBos: bos is not null);
    }

    /// <summary>Per-thread lists reused between calls; segments are taken and returned because encoding never nests here.</summary>
    private sealed class EncodeBuffers
    {
        private List<AddedTokenSegment>? _segments = [];

        public List<PreToken> Pieces { get; set; } = [];

        public List<PreToken> Next { get; set; } = [];

        public List<AddedTokenSegment> TakeSegments()
        {
            var segments = _segments ?? [];
            _segments = null;
            segments.Clear();
            return segments;
        }

        public void ReturnSegments(List<AddedTokenSegment> segments) => _segments = segments;
    }
}
