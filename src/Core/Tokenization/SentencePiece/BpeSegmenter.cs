using System.Text;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece BPE (bpe_model.cc): start from characters and repeatedly merge the adjacent pair whose merged
/// piece has the highest score, the leftmost pair first among equal scores. Written here because
/// Microsoft.ML.Tokenizers 2.0.1 breaks ties rightmost-first (Llama 2 "aaaaaaaaaaaaaaaa" and "!!!???...,,,"
/// come out wrong) and returns no ids for a one-character input.
/// </summary>
internal sealed class BpeSegmenter : ISentencePieceSegmenter
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _pieceIds;
    private readonly float[] _scores;
    private readonly int _unkId;
    private readonly int[]? _byteIds;

    public BpeSegmenter(SentencePieceModel model)
    {
        // As in sentencepiece, only these types take part in merges; control/unknown/byte pieces never do.
        var pieceIds = new Dictionary<string, int>(StringComparer.Ordinal);
        _scores = new float[model.Pieces.Count];
        for (var id = 0; id < model.Pieces.Count; id++)
        {
            var piece = model.Pieces[id];
            _scores[id] = piece.Score;
            if (piece.Type is PieceType.Normal or PieceType.UserDefined or PieceType.Unused)
            {
                pieceIds.TryAdd(piece.Text, id);
            }
        }

        _pieceIds = pieceIds.GetAlternateLookup<ReadOnlySpan<char>>();
        _unkId = model.Trainer.UnkId;
        _byteIds = model.Trainer.ByteFallback ? BytePieces.IdsByByteValue(model.Pieces) : null;
    }

    public void Segment(string normalized, List<int> ids)
    {
        if (normalized.Length == 0)
        {
            return;
        }

        var symbols = SplitIntoCharacters(normalized);
        var agenda = new PriorityQueue<MergeCandidate, MergeCandidate>(symbols.Length, MergeCandidate.Priority);
        for (var i = 1; i < symbols.Length; i++)
        {
            AddCandidate(normalized, symbols, agenda, i - 1, i);
        }

        while (agenda.TryDequeue(out var top, out _))
        {
            ref var left = ref symbols[top.Left];
            ref var right = ref symbols[top.Right];

            // Stale: one side was merged away or grew since this candidate was queued.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length)
            {
                continue;
            }

            left.Length += right.Length;
            left.Next = right.Next;
            if (right.Next >= 0)
            {
                symbols[right.Next].Prev = top.Left;
            }

            right.Length = 0;
            AddCandidate(normalized, symbols, agenda, left.Prev, top.Left);
            AddCandidate(normalized, symbols, agenda, top.Left, left.Next);
        }

        for (var i = 0; i >= 0; i = symbols[i].Next)
        {
            AppendIds(normalized.AsSpan(symbols[i].Start, symbols[i].Length), ids);
        }
    }

    private void AddCandidate(string text, Symbol[] symbols, PriorityQueue<MergeCandidate, MergeCandidate> agenda, int left, int right)
    {
        if (left < 0 || right < 0)
        {
            return;
        }

        var length = symbols[left].Length + symbols[right].Length;
        if (_pieceIds.TryGetValue(text.AsSpan(symbols[left].Start, length), out var id))
        {
            var candidate = new MergeCandidate(left, right, length, _scores[id]);
            agenda.Enqueue(candidate, candidate);
        }
    }

    private void AppendIds(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_pieceIds.TryGetValue(piece, out var id))
        {
            ids.Add(id);
            return;
        }

        if (_byteIds is null)
        {
            ids.Add(_unkId);
            return;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(piece.Length)];
        foreach (var b in utf8[..Encoding.UTF8.GetBytes(piece, utf8)])
        {
            ids.Add(_byteIds[b] >= 0 ? _byteIds[b] : _unkId);
        }
    }

    /// <summary>One symbol per Unicode scalar (a surrogate pair stays together), linked as a list.</summary>
    private static Symbol[] SplitIntoCharacters(string text)
    {
        var symbols = new List<Symbol>(text.Length);
        for (var start = 0; start < text.Length;)
        {
            var length = char.IsHighSurrogate(text[start]) && start + 1 < text.Length && char.IsLowSurrogate(text[start + 1]) ? 2 : 1;
            symbols.Add(new Symbol { Start = start, Length = length, Prev = symbols.Count - 1, Next = symbols.Count + 1 });
            start += length;
        }

        var array = symbols.ToArray();
        array[^1].Next = -1;
        return array;
    }

    private struct Symbol
    {
        public int Start;
        public int Length;
        public int Prev;
        public int Next;
    }

    private readonly record struct MergeCandidate(int Left, int Right, int Length, float Score)
    {
        /// <summary>Dequeues the highest score first; among equal scores the leftmost pair (sentencepiece's order).</summary>
        public static readonly IComparer<MergeCandidate> Priority = Comparer<MergeCandidate>.Create(
            (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left));
    }
}
