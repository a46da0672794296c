namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>
/// Hashes a merge key (left id &lt;&lt; 32 | right id) well. long's own hash is left ^ right, which collides for most
/// pairs of a 100k+ vocabulary and made merge lookups walk long chains.
/// </summary>
internal sealed class MergeKeyComparer : IEqualityComparer<long>
{
    public static MergeKeyComparer Instance { get; } = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> 32);
}
