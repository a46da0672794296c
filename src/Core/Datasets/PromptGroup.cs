namespace TuningService.Core.Datasets;

/// <summary>
/// Where one normalised prompt occurs among the records cleaning keeps after its first three rules: the digest of
/// its first normalised completion, whether another completion differs (a conflict), how many records it has, the
/// first one's position, and, for reporting conflicts in group order while the file is read in record order, the
/// group's rank, the conflicting records in the groups before it and how many of its own were met so far.
/// </summary>
internal struct PromptGroup
{
    public UInt128 FirstCompletion;
    public bool Conflicting;
    public int Members, Order, Offset, Seen;
    public long FirstPosition;
}
