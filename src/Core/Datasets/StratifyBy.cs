namespace TuningService.Core.Datasets;

/// <summary>What a split keeps in proportion across its parts.</summary>
public enum StratifyBy
{
    /// <summary>Tasks when records carry two or more (and, within a task whose completions are labels, its labels);
    /// else labels when the data is classification data (<see cref="ClassificationLabels"/>); else nothing.</summary>
    Auto,

    /// <summary>The completions' labels; the data must be classification data.</summary>
    Label,

    /// <summary>The records' `task`; some record must have one.</summary>
    Task,

    /// <summary>A plain seeded shuffle.</summary>
    None,
}
