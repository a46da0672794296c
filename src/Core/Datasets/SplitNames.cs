namespace TuningService.Core.Datasets;

/// <summary>The names of a split's parts (StoredFile.SplitName), in the order records are dealt to them.</summary>
public static class SplitNames
{
    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } = [Train, Validation, Test];
}
