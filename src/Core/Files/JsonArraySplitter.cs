using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// Cuts a JSON array fed in chunks into its elements, one at a time, without holding the whole array: only the
/// bytes of the element being read are buffered (at most <c>maxElementBytes</c>, plus one chunk). A structural
/// problem (not an array, bad JSON between elements, an element over the limit, a truncated file) ends the split:
/// after it nothing can be trusted to be an element boundary.
/// </summary>
/// <remarks>
/// Written on <see cref="Utf8JsonReader"/> with <see cref="JsonReaderState"/> over a sliding buffer, because
/// System.Text.Json's own streaming deserializers materialize each element as a .NET object and report positions
/// that do not name the element; here each element's exact bytes go to the same record checks as a JSONL line.
/// Not thread-safe; one instance per file.
/// </remarks>
internal sealed class JsonArraySplitter(int maxElementBytes)
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private enum Phase { BeforeArray, InArray, AfterArray, Failed }

    private byte[] _buffer = new byte[16 * 1024];
    private int _count;
    private JsonReaderState _state;
    private Phase _phase;
    private bool _started;
    private long _lineAtBufferStart = 1;
    private int _countedTo;          // lines are counted once per byte: up to here in the buffer,
    private long _countedLine = 1;   // which is on this line
    private int _retryAt;

    /// <summary>Elements cut so far (each was passed to the callback).</summary>
    public long ElementCount { get; private set; }

    /// <summary>Whether a structural problem ended the split (it was passed to the error callback).</summary>
    public bool Failed => _phase == Phase.Failed;

    /// <summary>Called with each element's number (1-based), line and exact bytes, in order.</summary>
    public delegate void ElementHandler(long number, long line, ReadOnlySpan<byte> json);

    /// <summary>Called once with a structural problem: the element number it concerns (null for the whole file) and the message.</summary>
    public delegate void ErrorHandler(long? number, string message);

    public void Feed(ReadOnlySpan<byte> chunk, ElementHandler onElement, ErrorHandler onError)
    {
        if (_phase == Phase.Failed || chunk.IsEmpty)
            return;
        Append(chunk);
        if (!_started)
        {
            // A UTF-8 BOM is dropped, even when it comes split over several chunks.
            if (_count < Bom.Length && Bom.StartsWith(_buffer.AsSpan(0, _count)))
                return;
            if (_buffer.AsSpan(0, _count).StartsWith(Bom))
                Slide(Bom.Length, _state);
            _started = true;
        }
        // An element that was incomplete is parsed again from its start only once twice the bytes are there, so a
        // large element costs a few passes, not one per chunk.
        if (_count >= _retryAt)
            Process(onElement, onError);
    }

    /// <summary>Ends the input: reports a truncated array, a file that is not an array, or data after the array.</summary>
    public void Complete(ElementHandler onElement, ErrorHandler onError)
    {
        if (_phase == Phase.Failed)
            return;
        Process(onElement, onError);
        switch (_phase)
        {
            case Phase.BeforeArray when _buffer.AsSpan(0, _count).Trim(" \t\r\n"u8).IsEmpty:
                Fail(onError, null, "the file has no records; expected a JSON array of objects");
                break;
            case Phase.BeforeArray:
                Fail(onError, null, "the file does not start with '['; expected a JSON array of objects");
                break;
            case Phase.InArray:
                long number = ElementCount + 1;
                Fail(onError, number, $"{Where(number, LineOfOffset(SkipWhitespace()))}: the file ends inside the array " +
                    "(it is truncated, or the closing ']' is missing)");
                break;
            case Phase.AfterArray:
                // Only whitespace may follow the array; the final block makes the reader say what else is there.
                try
                {
                    var reader = new Utf8JsonReader(_buffer.AsSpan(0, _count), isFinalBlock: true, _state);
                    while (reader.Read()) { }
                }
                catch (JsonException ex)
                {
                    Fail(onError, null, $"after the array: {ValidationMessages.JsonError(ex, withLine: true)}");
                }
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: see FastRecordCheck's remarks
    private void Process(ElementHandler onElement, ErrorHandler onError)
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(0, _count), isFinalBlock: false, _state);
        try
        {
            while (_phase is Phase.BeforeArray or Phase.InArray)
            {
                JsonReaderState before = reader.CurrentState;
                long beforeConsumed = reader.BytesConsumed;
                if (!reader.Read())
                    break;
                if (_phase == Phase.BeforeArray)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        Fail(onError, null, "the file does not start with '['; expected a JSON array of objects");
                        return;
                    }
                    _phase = Phase.InArray;
                    continue;
                }
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    _phase = Phase.AfterArray;
                    break;
                }
                int start = (int)reader.TokenStartIndex;
                if ((reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) && !reader.TrySkip())
                {
                    // Incomplete: keep its bytes and read it again, from the state before it, when more are in.
                    Slide((int)beforeConsumed, before);
                    _retryAt = (int)Math.Min(2L * _count, maxElementBytes + 1L);
                    CheckPendingSize(onError);
                    return;
                }
                long number = ++ElementCount;
                int end = (int)reader.BytesConsumed;
                if (end - start > maxElementBytes)
                {
                    Fail(onError, number, $"{Where(number, LineOfOffset(start))}: the element is {end - start} bytes long, " +
                        $"over the limit of {maxElementBytes} bytes; shorten or split this example");
                    return;
                }
                onElement(number, LineOfOffset(start), _buffer.AsSpan(start, end - start));
            }
        }
        catch (JsonException ex)
        {
            long number = ElementCount + 1;
            Fail(onError, _phase == Phase.InArray ? number : null,
                $"{(_phase == Phase.InArray ? Where(number, null) : "the file")}: not valid JSON: {ValidationMessages.JsonError(ex, withLine: true)}");
            return;
        }
        Slide((int)reader.BytesConsumed, reader.CurrentState);
        _retryAt = 0;
        CheckPendingSize(onError);
    }

    private void CheckPendingSize(ErrorHandler onError)
    {
        if (_phase != Phase.InArray || _count <= maxElementBytes)
            return;
        long number = ElementCount + 1;
        Fail(onError, number, $"{Where(number, LineOfOffset(SkipWhitespace()))}: the element is over the limit of " +
            $"{maxElementBytes} bytes; shorten or split this example");
    }

    private static string Where(long number, long? line) => line is { } l ? $"element {number} (line {l})" : $"element {number}";

    private void Fail(ErrorHandler onError, long? number, string message)
    {
        _phase = Phase.Failed;
        _buffer = [];
        _count = 0;
        onError(number, message);
    }

    /// <summary>Drops the first <paramref name="consumed"/> bytes, counting their lines; the reader goes on from <paramref name="state"/>.</summary>
    private void Slide(int consumed, JsonReaderState state)
    {
        _lineAtBufferStart = LineOfOffset(consumed);
        (_countedTo, _countedLine) = (0, _lineAtBufferStart);
        _buffer.AsSpan(consumed, _count - consumed).CopyTo(_buffer);
        _count -= consumed;
        _state = state;
    }

    /// <summary>The line of a buffer offset, counting on from the last offset asked about (elements come in order;
    /// counting from the buffer's start each time made the count quadratic in the buffer's length).</summary>
    private long LineOfOffset(int offset)
    {
        if (offset < _countedTo)
            (_countedTo, _countedLine) = (0, _lineAtBufferStart);
        _countedLine += _buffer.AsSpan(_countedTo, offset - _countedTo).Count((byte)'\n');
        _countedTo = offset;
        return _countedLine;
    }

    // Where the pending element starts, for messages: after the comma and whitespace that precede it.
    private int SkipWhitespace()
    {
        var span = _buffer.AsSpan(0, _count);
        int i = span.IndexOfAnyExcept(" \t\r\n,"u8);
        return i < 0 ? _count : i;
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (_count + chunk.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(2 * _buffer.Length, _count + chunk.Length));
        chunk.CopyTo(_buffer.AsSpan(_count));
        _count += chunk.Length;
    }
}
