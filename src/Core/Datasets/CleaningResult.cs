using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>The records a cleaned file holds, in source order, and the report of how they were chosen.</summary>
public sealed record CleaningResult(IReadOnlyList<DatasetRecord> Records, CleaningReport Report);
