using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>
/// tokenizers' BPE model (models/bpe/model.rs and word.rs), merge for merge: a word starts as one symbol per
/// character (with continuing_subword_prefix on all but the first and end_of_word_suffix on the last); a character
/// that is not in the vocabulary becomes its UTF-8 bytes as &lt;0xXX&gt; tokens (byte_fallback) or the unknown token
/// (consecutive ones fused into one with fuse_unk); then the lowest-ranked merge applies first, leftmost on ties,
/// until none applies. With ignore_merges a word that is itself a token is that token. Dropout is a training-time
/// option and is ignored, as tokenizers ignores it when encoding for inference.
/// Not Microsoft.ML.Tokenizers' BpeTokenizer: it has no ignore_merges, its byte fallback and unknown-token fusing do
/// not follow tokenizers', and it cannot be handed pre-tokens already split by a tokenizer.json pipeline.
/// </summary>
internal sealed class BpeModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int[] _byteFallbackIds;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;

    [ThreadStatic]
    private static BpeWord? t_word;

    public BpeModel(
        Dictionary<string, int> vocabulary,
        IReadOnlyList<(string Left, string Right)> merges,
        string? unkToken,
        string? continuingSubwordPrefix,
        string? endOfWordSuffix,
        bool fuseUnk,
        bool byteFallback,
        bool ignoreMerges,
        string source)
    {
        _vocabulary = vocabulary;
        _lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = string.IsNullOrEmpty(continuingSubwordPrefix) ? null : continuingSubwordPrefix;
        _suffix = string.IsNullOrEmpty(endOfWordSuffix) ? null : endOfWordSuffix;
        _fuseUnk = fuseUnk;
        _ignoreMerges = ignoreMerges;
        if (unkToken is not null)
        {
            UnkId = vocabulary.TryGetValue(unkToken, out var unk)
                ? unk
                : throw new InvalidDataException($"'{source}': BPE unk_token {unkToken} is not in the vocabulary.");
        }

        _byteFallbackIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteFallbackIds[b] = byteFallback && vocabulary.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        }

        // As tokenizers builds its merge map: a later duplicate pair overwrites an earlier one.
        _merges = new Dictionary<long, (int, int)>(merges.Count, MergeKeyComparer.Instance);
        var prefixLength = _prefix?.Length ?? 0;
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocabulary.TryGetValue(left, out var leftId) || !vocabulary.TryGetValue(right, out var rightId))
            {
                throw new InvalidDataException($"'{source}': merge {rank} (\"{left} {right}\") has a part that is not in the vocabulary.");
            }

            var merged = string.Concat(left, right.AsSpan(right.StartsWith(_prefix ?? "\0", StringComparison.Ordinal) ? prefixLength : 0));
            if (!vocabulary.TryGetValue(merged, out var newId))
            {
                throw new InvalidDataException($"'{source}': merge {rank} (\"{left} {right}\") makes \"{merged}\", which is not in the vocabulary.");
            }

            _merges[Key(leftId, rightId)] = (rank, newId);
        }
    }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    public int? UnkId { get; }

    public void Tokenize(string word, List<int> ids)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (_ignoreMerges && _vocabulary.TryGetValue(word, out var whole))
        {
            ids.Add(whole);
            return;
        }

        var symbols = t_word ??= new BpeWord();
        symbols.Clear();
        AddInitialSymbols(word, symbols);
        symbols.MergeAll(_merges);
        symbols.AppendIds(ids);
    }

    private void AddInitialSymbols(string word, BpeWord symbols)
    {
        int? pendingUnk = null;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < word.Length;)
        {
            var length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var character = word.AsSpan(i, length);
            var isFirst = i == 0;
            var isLast = i + length == word.Length;
            i += length;

            if (Lookup(character, isFirst, isLast) is { } id)
            {
                if (pendingUnk is { } unk)
                {
                    symbols.Add(unk);
                    pendingUnk = null;
                }

                symbols.Add(id);
                continue;
            }

            var byteCount = Encoding.UTF8.GetBytes(character, utf8);
            if (_byteFallbackIds[utf8[0]] >= 0 && AllBytesKnown(utf8[..byteCount]))
            {
                // tokenizers adds byte tokens without flushing a pending unknown token first.
                foreach (var b in utf8[..byteCount])
                {
                    symbols.Add(_byteFallbackIds[b]);
                }

                continue;
            }

            if (UnkId is { } unkId)
            {
                if (pendingUnk is not null && !_fuseUnk)
                {
                    symbols.Add(unkId);
                }

                pendingUnk = unkId;
            }
        }

        if (pendingUnk is { } last)
        {
            symbols.Add(last);
        }
    }

    private bool AllBytesKnown(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (_byteFallbackIds[b] < 0)
            {
                return false;
            }
        }

        return true;
    }

    private int? Lookup(ReadOnlySpan<char> character, bool isFirst, bool isLast)
    {
        if (_prefix is null && _suffix is null)
        {
            return _lookup.TryGetValue(character, out var id) ? id : null;
        }

        var text = string.Concat(!isFirst && _prefix is not null ? _prefix : "", character, isLast && _suffix is not null ? _suffix : "");
        return _vocabulary.TryGetValue(text, out var affixed) ? affixed : null;
    }

    internal static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
