using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace TuningService.Core.Files;

/// <summary>
/// Validates a dataset file that is one JSON array of records while it streams in: <see cref="Feed"/> it chunks of
/// any size, in order, then call <see cref="Complete"/>. Elements are checked one at a time as they complete, with
/// the same rules as JSONL lines; memory is bounded by <see cref="FineTuneValidationOptions.MaxLineBytes"/>, which
/// here limits one element. Positions are element numbers (with the line the element starts on).
/// </summary>
/// <remarks>
/// A bad record is reported and the next one checked, as for JSONL; a structural problem (broken JSON, an element
/// over the limit, a truncated file) is reported once and ends the checking, since element boundaries are lost.
/// Not thread-safe; one instance per file.
/// </remarks>
public sealed class JsonArrayFileValidator : IStreamingValidator
{
    private readonly ValidationErrorList _errors;
    private readonly RecordFormatTracker _formats;
    private readonly FastRecordCheck _fastCheck = new();
    private readonly JsonArraySplitter _splitter;
    private readonly JsonArraySplitter.ElementHandler _onElement;
    private readonly JsonArraySplitter.ErrorHandler _onError;
    private long _recordCount;
    private FineTuneValidationResult? _result;

    /// <param name="options">Limits; defaults when null.</param>
    /// <param name="requiredFormat">The format every record must have; null to let the first valid record decide.</param>
    public JsonArrayFileValidator(FineTuneValidationOptions? options = null, FineTuneFormat? requiredFormat = null)
    {
        options ??= new FineTuneValidationOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxLineBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxErrors, nameof(options));
        _errors = new ValidationErrorList(options.MaxErrors);
        _formats = new RecordFormatTracker(requiredFormat, "element");
        _splitter = new JsonArraySplitter(options.MaxLineBytes);
        _onElement = CheckElement;
        _onError = _errors.Add;
    }

    /// <summary>Feeds the next bytes of the file. Chunk boundaries may fall anywhere.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_result is not null)
            throw new InvalidOperationException("Feed was called after Complete.");
        _splitter.Feed(chunk, _onElement, _onError);
    }

    /// <summary>Ends the file and returns the result. Safe to call again.</summary>
    public FineTuneValidationResult Complete()
    {
        if (_result is null)
        {
            _splitter.Complete(_onElement, _onError);
            if (!_splitter.Failed && _splitter.ElementCount == 0)
                _errors.Add(null, "the file has no records: the array is empty");
            _result = _errors.ToResult(_recordCount > 0 ? _formats.Format : null, _recordCount, DatasetContainer.Json);
        }
        return _result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: see FastRecordCheck's remarks
    private void CheckElement(long number, long line, ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            _errors.Add(number, $"{Where(number, line)}: {ValidationMessages.InvalidUtf8(json, "element")}");
            return;
        }
        if (_fastCheck.Accepts(json, _formats, number))
        {
            _recordCount++;
            return;
        }
        CheckFully(number, line, json);
    }

    /// <summary>The JsonDocument-based check, for what <see cref="FastRecordCheck"/> leaves: it decides and words the problem.</summary>
    private void CheckFully(long number, long line, ReadOnlySpan<byte> json)
    {
        string where = Where(number, line);
        JsonDocument document;
        try
        {
            // Copied: JsonDocument keeps a reference to its input, and the splitter reuses its buffer.
            document = JsonDocument.Parse(json.ToArray(), FineTuneRecordValidator.JsonOptions);
        }
        catch (JsonException ex)
        {
            _errors.Add(number, $"{where}: not valid JSON: {ValidationMessages.JsonError(ex, withLine: false)}");
            return;
        }
        using (document)
        {
            if (_formats.Check(document.RootElement, number, where, out string? error) is null)
            {
                _errors.Add(number, error!);
                return;
            }
            _recordCount++;
        }
    }

    private static string Where(long number, long line) => $"element {number} (line {line})";
}
