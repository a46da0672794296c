using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// Holds a JSON file to one record format: the format asked for, or else the one its first valid record has.
/// Shared by the validators and the readers, so that reading cannot accept what validation rejected.
/// </summary>
/// <param name="required">The format every record must have (the upload's <c>format</c>); null to detect it.</param>
/// <param name="unit">What a position counts, for messages: "line" or "element".</param>
internal sealed class RecordFormatTracker
{
    private readonly FineTuneFormat? _required;
    private readonly string _unit;
    private long _decidedAt;

    public RecordFormatTracker(FineTuneFormat? required, string unit)
    {
        _required = required;
        _unit = unit;
        Format = required;
    }

    /// <summary>The file's format so far: the required one, or that of the first valid record; null before.</summary>
    public FineTuneFormat? Format { get; private set; }

    /// <summary>The format asked for, which every record must have; null when the first valid record decides.</summary>
    public FineTuneFormat? Required => _required;

    /// <summary>
    /// Counts a record already found valid as <paramref name="format"/> (by <see cref="FastRecordCheck"/>); false,
    /// changing nothing, when the file is in another format, which <see cref="Check"/> then words.
    /// </summary>
    public bool TryAccept(FineTuneFormat format, long position)
    {
        if (Format is { } fileFormat)
            return format == fileFormat;
        (Format, _decidedAt) = (format, position);
        return true;
    }

    /// <summary>Checks one record; returns its format, or null and the problem in <paramref name="error"/>.</summary>
    public FineTuneFormat? Check(JsonElement record, long position, string where, out string? error)
    {
        FineTuneFormat format;
        if (_required is { } asked)
        {
            // No detection: the keys of the asked format are checked and any others ignored.
            format = asked;
        }
        else
        {
            error = FineTuneRecordValidator.DetectFormat(record, where, out format);
            if (error is null && Format is { } fileFormat && format != fileFormat)
                error = $"{where}: record is in {format.ToWireName()} format but the file is {fileFormat.ToWireName()} " +
                    $"(decided by {_unit} {_decidedAt}); use one format per file";
            if (error is not null)
                return null;
        }
        error = FineTuneRecordValidator.Check(record, format, where);
        if (error is not null)
            return null;
        if (Format is null)
            (Format, _decidedAt) = (format, position);
        return format;
    }
}
