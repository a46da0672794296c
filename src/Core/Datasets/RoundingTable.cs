namespace TuningService.Core.Datasets;

/// <summary>
/// The leftover records of <see cref="Apportionment"/>: after every stratum and part got the floor of its exact
/// share, each stratum has a few records left and each part misses a few. A record may go to a part only by
/// rounding that stratum's share up there (one per stratum and part, and only where the share was not whole),
/// which keeps every count within one of exact. Finding such a placement for all of them is a bipartite
/// matching; a greedy pass alone can paint itself into a corner, so a leftover that finds no open part is placed
/// along an augmenting path: strata already rounded up in a full part move their extra record on to another.
/// Should no such path exist (the fixed part totals can rule every placement out), the record goes to a part
/// that still misses one, and that count ends one over its ceiling.
/// </summary>
internal sealed class RoundingTable(int[] left, int[] missing, Func<int, int, bool> canRoundUp)
{
    readonly HashSet<(int Stratum, int Part)> roundedUp = [];
    readonly Dictionary<(int Stratum, int Part), int> forced = [];

    public bool IsRoundedUp(int stratum, int part) => roundedUp.Contains((stratum, part));

    public int Forced(int stratum, int part) => forced.GetValueOrDefault((stratum, part));

    /// <summary>Rounds the stratum's share up in the part if the stratum has a record left and the part misses one.</summary>
    public void TryRoundUp(int stratum, int part)
    {
        if (left[stratum] == 0 || missing[part] == 0 || !canRoundUp(stratum, part) || !roundedUp.Add((stratum, part))) return;
        left[stratum]--;
        missing[part]--;
    }

    /// <summary>Places every record the stratum still has left.</summary>
    public void PlaceRemaining(int stratum)
    {
        while (left[stratum] > 0)
        {
            if (!Augment(stratum))
            {
                var part = Array.FindIndex(missing, m => m > 0); // what strata have left is exactly what parts miss
                forced[(stratum, part)] = Forced(stratum, part) + 1;
                missing[part]--;
            }
            left[stratum]--;
        }
    }

    /// <summary>Breadth-first search from the stratum to a part that misses a record, through strata rounded up in
    /// the parts on the way, each of which can move its extra record to the next part. Applies the path if found.</summary>
    bool Augment(int start)
    {
        var parts = missing.Length;
        var reachedFrom = new Dictionary<int, int>();           // part -> the stratum that would round up there
        var movedOutOf = new Dictionary<int, int> { [start] = -1 }; // stratum -> the part it would give up
        var queue = new Queue<int>([start]);
        while (queue.TryDequeue(out var stratum))
        {
            for (var part = 0; part < parts; part++)
            {
                if (reachedFrom.ContainsKey(part) || !canRoundUp(stratum, part) || IsRoundedUp(stratum, part)) continue;
                reachedFrom[part] = stratum;
                if (missing[part] > 0)
                {
                    Apply(part, reachedFrom, movedOutOf);
                    missing[part]--;
                    return true;
                }
                foreach (var (holder, _) in roundedUp.Where(x => x.Part == part && !movedOutOf.ContainsKey(x.Stratum)).ToList())
                {
                    movedOutOf[holder] = part;
                    queue.Enqueue(holder);
                }
            }
        }
        return false;
    }

    void Apply(int part, Dictionary<int, int> reachedFrom, Dictionary<int, int> movedOutOf)
    {
        while (part >= 0)
        {
            var stratum = reachedFrom[part];
            roundedUp.Add((stratum, part));
            part = movedOutOf[stratum];
            if (part >= 0) roundedUp.Remove((stratum, part));
        }
    }
}
