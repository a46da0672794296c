using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>
/// tokenizers' Unigram model (models/unigram/model.rs, encode_optimized): Viterbi over the pieces, a character with
/// no piece of its own scored as unknown (lowest score − 10), ties kept by the first (shortest) candidate; adjacent
/// unknowns fused (fuse_unk, always on in tokenizers' Unigram); with byte_fallback an unknown piece becomes its
/// UTF-8 bytes as &lt;0xXX&gt; tokens. Not Microsoft.ML.Tokenizers' SentencePiece unigram: that one reads .model files
/// and normalises by itself, while here the tokenizer.json normalizer and pre-tokenizer have already run.
/// </summary>
internal sealed class UnigramModel : ITokenModel
{
    private const double UnknownPenalty = 10.0;

    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly double[] _scores;
    private readonly int _maxPieceLength;
    private readonly double _unknownScore;
    private readonly bool _byteFallback;

    public UnigramModel(IReadOnlyList<(string Piece, double Score)> pieces, int? unkId, bool byteFallback, string source)
    {
        _vocabulary = new Dictionary<string, int>(pieces.Count, StringComparer.Ordinal);
        _scores = new double[pieces.Count];
        for (var id = 0; id < pieces.Count; id++)
        {
            _vocabulary.TryAdd(pieces[id].Piece, id);
            _scores[id] = pieces[id].Score;
            _maxPieceLength = Math.Max(_maxPieceLength, pieces[id].Piece.Length);
        }

        if (unkId is { } unk && (uint)unk >= (uint)pieces.Count)
        {
            throw new InvalidDataException($"'{source}': Unigram unk_id {unk} is outside the {pieces.Count} pieces.");
        }

        _lookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownScore = (_scores.Length == 0 ? 0 : _scores.Min()) - UnknownPenalty;
        _byteFallback = byteFallback;
        UnkId = unkId;
    }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    public int? UnkId { get; }

    public void Tokenize(string word, List<int> ids)
    {
        var length = word.Length;
        if (length == 0)
        {
            return;
        }

        var bestScore = new double[length + 1];
        var bestStart = new int[length + 1];
        var bestId = new int[length + 1];
        Array.Fill(bestStart, -1);
        for (var start = 0; start < length;)
        {
            var charLength = char.IsHighSurrogate(word[start]) && start + 1 < length && char.IsLowSurrogate(word[start + 1]) ? 2 : 1;
            var scoreHere = bestScore[start];
            var hasSingle = false;
            for (var end = start + 1; end <= Math.Min(length, start + _maxPieceLength); end++)
            {
                if (!_lookup.TryGetValue(word.AsSpan(start, end - start), out var id))
                {
                    continue;
                }

                var candidate = scoreHere + _scores[id];
                if (bestStart[end] < 0 || candidate > bestScore[end])
                {
                    (bestScore[end], bestStart[end], bestId[end]) = (candidate, start, id);
                }

                hasSingle |= end - start == charLength;
            }

            if (!hasSingle)
            {
                var end = start + charLength;
                var candidate = scoreHere + _unknownScore;
                if (bestStart[end] < 0 || candidate > bestScore[end])
                {
                    (bestScore[end], bestStart[end], bestId[end]) = (candidate, start, UnkId ?? -1);
                }
            }

            start += charLength;
        }

        // Back from the end; unknown stretches that touch are fused into one piece.
        var pieces = new List<(int Start, int End, bool Unknown)>();
        for (var end = length; end > 0;)
        {
            var start = bestStart[end];
            var unknown = UnkId is { } unk && bestId[end] == unk || bestId[end] < 0;
            if (unknown && pieces.Count > 0 && pieces[^1].Unknown && pieces[^1].Start == end)
            {
                pieces[^1] = (start, pieces[^1].End, true);
            }
            else
            {
                pieces.Add((start, end, unknown));
            }

            end = start;
        }

        for (var i = pieces.Count - 1; i >= 0; i--)
        {
            var (start, end, unknown) = pieces[i];
            if (!unknown)
            {
                ids.Add(_lookup[word.AsSpan(start, end - start)]);
                continue;
            }

            if (_byteFallback && TryAddBytes(word.AsSpan(start, end - start), ids))
            {
                continue;
            }

            if (UnkId is { } unkId)
            {
                ids.Add(unkId);
            }
        }
    }

    private bool TryAddBytes(ReadOnlySpan<char> text, List<int> ids)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var byteIds = new List<int>(bytes.Length);
        foreach (var b in bytes)
        {
            if (!_vocabulary.TryGetValue($"<0x{b:X2}>", out var id))
            {
                return false;
            }

            byteIds.Add(id);
        }

        ids.AddRange(byteIds);
        return true;
    }
}
