using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace TuningService.Core.Files;

/// <summary>
/// Validates a JSON Lines dataset file while it streams in: <see cref="Feed"/> it chunks of any size, in order, then
/// call <see cref="Complete"/>. Memory is bounded by <see cref="FineTuneValidationOptions.MaxLineBytes"/>: only
/// the current line is buffered, and a longer line is counted and skipped, never held.
/// </summary>
/// <remarks>
/// Accepts a UTF-8 BOM and CRLF line ends; skips blank lines. Each line must be a JSON object in one of the
/// formats of <see cref="FineTuneFormat"/>: the one asked for, else the one the first valid record has. One error is reported per line (its first problem),
/// so a person fixing the file is not buried under follow-on errors from the same record.
/// Not thread-safe; one instance per file.
/// </remarks>
public sealed class FineTuneFileValidator : IStreamingValidator
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> JsonWhitespace => " \t\r"u8;
    private static ReadOnlySpan<byte> Utf16LittleEndianBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BigEndianBom => [0xFE, 0xFF];

    private readonly FineTuneValidationOptions _options;
    private readonly ValidationErrorList _errors;
    private readonly RecordFormatTracker _formats;
    private readonly FastRecordCheck _fastCheck = new();
    private byte[] _line = new byte[4096];
    private int _lineLength;
    private long _oversizedLineBytes = -1; // >= 0 while skipping a line longer than the limit
    private long _lineNumber = 1;          // the line being accumulated
    private bool _sawRecordLine;
    private long _recordCount;
    private FineTuneValidationResult? _result;

    /// <param name="options">Limits; defaults when null.</param>
    /// <param name="requiredFormat">The format every record must have; null to let the first valid record decide.</param>
    public FineTuneFileValidator(FineTuneValidationOptions? options = null, FineTuneFormat? requiredFormat = null)
    {
        _options = options ?? new FineTuneValidationOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxLineBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxErrors, nameof(options));
        _errors = new ValidationErrorList(_options.MaxErrors);
        _formats = new RecordFormatTracker(requiredFormat, "line");
    }

    /// <summary>Feeds the next bytes of the file. Chunk boundaries may fall anywhere, even inside a character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: see FastRecordCheck's remarks
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_result is not null)
            throw new InvalidOperationException("Feed was called after Complete.");
        while (!chunk.IsEmpty)
        {
            int newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(chunk);
                return;
            }
            if (_lineLength == 0 && _oversizedLineBytes < 0 && newline <= _options.MaxLineBytes)
            {
                // The whole line is in this chunk: checked where it lies rather than copied first.
                EndLine(chunk[..newline]);
            }
            else
            {
                Append(chunk[..newline]);
                EndLine(_line.AsSpan(0, _lineLength));
            }
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>Ends the file (a last line without '\n' counts) and returns the result. Safe to call again.</summary>
    public FineTuneValidationResult Complete()
    {
        if (_result is null)
        {
            if (_lineLength > 0 || _oversizedLineBytes >= 0)
                EndLine(_line.AsSpan(0, _lineLength));
            if (!_sawRecordLine)
                AddError(null, "the file has no records; expected one JSON object per line");
            _result = _errors.ToResult(_recordCount > 0 ? _formats.Format : null, _recordCount, DatasetContainer.Jsonl);
        }
        return _result;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_oversizedLineBytes >= 0)
        {
            _oversizedLineBytes += bytes.Length;
            return;
        }
        int length = _lineLength + bytes.Length;
        if (length > _options.MaxLineBytes)
        {
            _oversizedLineBytes = length;
            _lineLength = 0;
            return;
        }
        if (length > _line.Length)
            Array.Resize(ref _line, (int)Math.Min(Math.Max(2L * _line.Length, length), _options.MaxLineBytes));
        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength = length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: see FastRecordCheck's remarks
    private void EndLine(ReadOnlySpan<byte> line)
    {
        long number = _lineNumber++;
        if (_oversizedLineBytes >= 0)
        {
            _sawRecordLine = true;
            AddError(number, $"line {number}: line is {_oversizedLineBytes} bytes long, over the limit of " +
                $"{_options.MaxLineBytes} bytes; shorten or split this example");
            _oversizedLineBytes = -1;
        }
        else
        {
            ValidateLine(line, number);
        }
        _lineLength = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: see FastRecordCheck's remarks
    private void ValidateLine(ReadOnlySpan<byte> line, long number)
    {
        if (number == 1 && line.StartsWith(Bom))
            line = line[Bom.Length..];
        if (line.Trim(JsonWhitespace).IsEmpty)
            return;
        _sawRecordLine = true;

        if (!Utf8.IsValid(line))
        {
            AddError(number, InvalidUtf8Message(line, number));
            return;
        }
        if (_fastCheck.Accepts(line, _formats, number))
        {
            _recordCount++;
            return;
        }
        CheckFully(line, number);
    }

    /// <summary>The JsonDocument-based check, for what <see cref="FastRecordCheck"/> leaves: it decides and words the problem.</summary>
    private void CheckFully(ReadOnlySpan<byte> line, long number)
    {
        string where = $"line {number}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray(), FineTuneRecordValidator.JsonOptions);
        }
        catch (JsonException ex)
        {
            AddError(number, $"{where}: not valid JSON: {ValidationMessages.JsonError(ex, withLine: false)}");
            return;
        }
        using (document)
        {
            if (_formats.Check(document.RootElement, number, where, out string? error) is null)
            {
                AddError(number, error!);
                return;
            }
            _recordCount++;
        }
    }

    private void AddError(long? line, string message) => _errors.Add(line, message);

    private static string InvalidUtf8Message(ReadOnlySpan<byte> line, long number) =>
        number == 1 && (line.StartsWith(Utf16LittleEndianBom) || line.StartsWith(Utf16BigEndianBom))
            ? "line 1: " + ValidationMessages.Utf16
            : $"line {number}: {ValidationMessages.InvalidUtf8(line, "line")}";
}
