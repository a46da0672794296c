namespace TuningService.Core.Templates;

/// <summary>
/// Which phrasing a record gets: a pure function of the job's seed and the record's position, so a restarted,
/// resumed or previewed job renders every record exactly as before, and reordering other records changes nothing.
/// </summary>
/// <remarks>
/// A hash rather than System.Random: Random's sequence is only stable per instance and would tie a record's
/// phrasing to how many records came before it; HashCode is randomised per process. SplitMix64's finaliser spreads
/// neighbouring positions evenly over the phrasings.
/// </remarks>
public static class PhrasingChoice
{
    public static int Index(int seed, long position, int phrasingCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(phrasingCount, 1);
        var z = ((ulong)(uint)seed << 32 ^ (ulong)position) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z % (ulong)phrasingCount);
    }
}
