namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>
/// A word being merged (tokenizers' Word): symbols in a linked list over an array and a priority queue of
/// candidate merges ordered by rank, then position. A queued merge that no longer matches its symbols is skipped
/// when it comes up, as in tokenizers' merge_all. Reused between words of one thread.
/// </summary>
internal sealed class BpeWord
{
    private readonly List<int> _ids = [];
    private readonly List<int> _prev = [];
    private readonly List<int> _next = [];
    private readonly List<bool> _removed = [];
    private readonly PriorityQueue<(int Position, int NewId), (int Rank, int Position)> _queue = new();

    public void Clear()
    {
        _ids.Clear();
        _prev.Clear();
        _next.Clear();
        _removed.Clear();
        _queue.Clear();
    }

    public void Add(int id)
    {
        var position = _ids.Count;
        _ids.Add(id);
        _prev.Add(position - 1);
        _next.Add(position + 1);
        _removed.Add(false);
    }

    public void MergeAll(Dictionary<long, (int Rank, int NewId)> merges)
    {
        var count = _ids.Count;
        for (var i = 0; i + 1 < count; i++)
        {
            Enqueue(merges, i, i + 1);
        }

        while (_queue.TryDequeue(out var top, out _))
        {
            var position = top.Position;
            var next = _next[position];
            if (_removed[position] || next >= count)
            {
                continue;
            }

            // An expired entry: the pair at this position has changed since it was queued.
            if (!merges.TryGetValue(BpeModel.Key(_ids[position], _ids[next]), out var merge) || merge.NewId != top.NewId)
            {
                continue;
            }

            _ids[position] = merge.NewId;
            _removed[next] = true;
            var after = _next[next];
            _next[position] = after;
            if (after < count)
            {
                _prev[after] = position;
            }

            if (_prev[position] >= 0)
            {
                Enqueue(merges, _prev[position], position);
            }

            if (after < count)
            {
                Enqueue(merges, position, after);
            }
        }
    }

    public void AppendIds(List<int> ids)
    {
        for (var i = 0; i < _ids.Count; i = _next[i])
        {
            ids.Add(_ids[i]);
        }
    }

    private void Enqueue(Dictionary<long, (int Rank, int NewId)> merges, int left, int right)
    {
        if (merges.TryGetValue(BpeModel.Key(_ids[left], _ids[right]), out var merge))
        {
            _queue.Enqueue((left, merge.NewId), (merge.Rank, left));
        }
    }
}
