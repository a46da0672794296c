namespace TuningService.Core.ChatTemplates;

/// <summary>Dict-key equality as Python's: <c>1</c>, <c>1.0</c> and <c>True</c> are the same key.</summary>
internal sealed class ValueKeyComparer : IEqualityComparer<TemplateValue>
{
    public static readonly ValueKeyComparer Instance = new();

    public bool Equals(TemplateValue? x, TemplateValue? y) => x is not null && y is not null && PythonOps.Equal(x, y);

    public int GetHashCode(TemplateValue obj) => PythonOps.Hash(obj);
}
