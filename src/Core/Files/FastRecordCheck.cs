using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>
/// The common case of record validation, in one <see cref="Utf8JsonReader"/> pass that allocates nothing: a record
/// it accepts is certainly valid by <see cref="FineTuneRecordValidator"/>'s rules (JSON syntax, no duplicate key at
/// any depth, the format's keys and types) and in the file's format. Anything else, wrong or merely unusual, is
/// left to the full check (JsonDocument and <see cref="RecordFormatTracker"/>), which decides it and words every
/// message, so what is accepted and what is said about a bad record do not depend on this class.
/// </summary>
/// <remarks>
/// Why: parsing each record into a JsonDocument, looking its keys up by UTF-16 name and materialising its strings
/// was most of an upload's CPU time. Left to the full check, besides every invalid record: escaped key names,
/// objects with more than <see cref="MaxNamesPerObject"/> keys, weights written other than 0 or 1, strings that
/// hold a lone surrogate. Not thread-safe; one instance per validator.
/// <para>The methods on the path of every record (here, in <see cref="JsonStringScan"/> and in the validators) are
/// compiled fully optimised at their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>): an upload
/// calls them a million times within a second or two, and tiered compilation spent much of that time in
/// unoptimised, then instrumented code and in compiling it again (about a quarter of the CPU time of checking a
/// 200 MiB file, measured with IngestBench's core mode).</para>
/// </remarks>
internal sealed class FastRecordCheck
{
    private const int MaxNames = 256;          // key names of all open objects, for the duplicate check
    private const int MaxNamesPerObject = 32;  // keeps that check's pairwise comparison small

    private enum ObjectRole { Record, Message, Other }

    private enum Key { None = -1, Prompt, Completion, Messages, Instruction, Input, Output, Text, Task, Id, Role, Content, Weight }

    private enum Role { None, System, User, Assistant, Other }

    private const int RecordKeys = (int)Key.Id + 1;

    private readonly (int Start, int Length)[] _names = new (int, int)[MaxNames];
    private readonly JsonTokenType[] _kinds = new JsonTokenType[RecordKeys];
    private readonly JsonStringContent[] _strings = new JsonStringContent[RecordKeys];
    private int _nameCount;
    private bool _anyAssistant, _anyTrainable;
    private Role _role;                       // of the message being read
    private JsonTokenType _contentKind, _weightKind;
    private JsonStringContent _content;
    private int _weight;                      // 0, 1, or -1 for any other number

    /// <summary>
    /// Whether <paramref name="json"/> is a valid record in the file's format; if so it is counted in
    /// <paramref name="formats"/> (deciding the file's format if it is the first). False: run the full check.
    /// </summary>
    public bool Accepts(ReadOnlySpan<byte> json, RecordFormatTracker formats, long position) =>
        Check(json, formats.Required) is { } format && formats.TryAccept(format, position);

    /// <summary>The record's format when it is certainly valid (as <paramref name="required"/> if given); else null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FineTuneFormat? Check(ReadOnlySpan<byte> json, FineTuneFormat? required)
    {
        Array.Clear(_kinds);
        _nameCount = 0;
        _anyAssistant = _anyTrainable = false;
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        try
        {
            // The last Read() is false at the end of the input and throws on anything but white space after the record.
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !ReadObject(ref reader, json, ObjectRole.Record) || reader.Read())
                return null;
        }
        catch (JsonException)
        {
            return null;
        }
        return Decide(required);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FineTuneFormat? Decide(FineTuneFormat? required)
    {
        FineTuneFormat format = default;
        if (required is { } asked)
            format = asked;
        else
        {
            int groups = 0;
            if (Has(Key.Prompt) || Has(Key.Completion)) (groups, format) = (groups + 1, FineTuneFormat.PromptCompletion);
            if (Has(Key.Messages)) (groups, format) = (groups + 1, FineTuneFormat.Chat);
            if (Has(Key.Instruction) || Has(Key.Output)) (groups, format) = (groups + 1, FineTuneFormat.Alpaca);
            if (Has(Key.Text)) (groups, format) = (groups + 1, FineTuneFormat.Text);
            if (groups != 1)
                return null;
        }
        bool valid = format switch
        {
            FineTuneFormat.PromptCompletion => Kind(Key.Prompt) == JsonTokenType.String && NotBlank(Key.Completion),
            FineTuneFormat.Chat => Kind(Key.Messages) == JsonTokenType.StartArray && _anyAssistant && _anyTrainable,
            FineTuneFormat.Alpaca => NotBlank(Key.Instruction) && NotBlank(Key.Output)
                && Kind(Key.Input) is JsonTokenType.None or JsonTokenType.String or JsonTokenType.Null,
            FineTuneFormat.Text => NotBlank(Key.Text),
            _ => false,
        };
        valid = valid
            && Kind(Key.Task) is JsonTokenType.None or JsonTokenType.String or JsonTokenType.Null
            && Kind(Key.Id) is JsonTokenType.None or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.Null;
        return valid ? format : null;
    }

    private JsonTokenType Kind(Key key) => _kinds[(int)key];

    private bool Has(Key key) => Kind(key) != JsonTokenType.None;

    private bool NotBlank(Key key) => Kind(key) == JsonTokenType.String && _strings[(int)key] == JsonStringContent.NotBlank;

    /// <summary>Reads an object's members, the reader on its StartObject; false when the full check must decide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ObjectRole role)
    {
        int frame = _nameCount;
        while (true)
        {
            if (!reader.Read())
                return false;
            if (reader.TokenType == JsonTokenType.EndObject)
                break;
            if (reader.ValueIsEscaped || !AddName(json, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, frame))
                return false;
            Key key = role switch
            {
                ObjectRole.Record => RecordKey(reader.ValueSpan),
                ObjectRole.Message => MessageKey(reader.ValueSpan),
                _ => Key.None,
            };
            if (!reader.Read() || !ReadValue(ref reader, json, role, key))
                return false;
        }
        _nameCount = frame;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ObjectRole role, Key key)
    {
        JsonTokenType type = reader.TokenType;
        if (role == ObjectRole.Record && key != Key.None)
        {
            _kinds[(int)key] = type;
            // Every string the full check or the reader decodes: one it could not decode goes to the full check.
            if (type == JsonTokenType.String && key is not (Key.Messages or Key.Weight)
                && (_strings[(int)key] = JsonStringScan.Classify(reader.ValueSpan, reader.ValueIsEscaped)) == JsonStringContent.Unreadable)
                return false;
        }
        else if (role == ObjectRole.Message && key != Key.None)
        {
            if (!NoteMessageMember(ref reader, key))
                return false;
        }
        return type switch
        {
            JsonTokenType.StartObject => ReadObject(ref reader, json, ObjectRole.Other),
            JsonTokenType.StartArray when role == ObjectRole.Record && key == Key.Messages => ReadMessages(ref reader, json),
            JsonTokenType.StartArray => ReadArray(ref reader, json),
            _ => true,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    return true;
                case JsonTokenType.StartObject when !ReadObject(ref reader, json, ObjectRole.Other):
                case JsonTokenType.StartArray when !ReadArray(ref reader, json):
                    return false;
            }
        }
        return false;
    }

    /// <summary>A chat record's messages; any message that is not plainly valid leaves the record to the full check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
                return true;
            if (reader.TokenType != JsonTokenType.StartObject)
                return false;
            (_role, _contentKind, _weightKind, _weight) = (Role.None, JsonTokenType.None, JsonTokenType.None, -1);
            if (!ReadObject(ref reader, json, ObjectRole.Message) || !MessageIsValid())
                return false;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NoteMessageMember(ref Utf8JsonReader reader, Key key)
    {
        JsonTokenType type = reader.TokenType;
        switch (key)
        {
            case Key.Role:
                // An escaped role (rare) is left to the full check: unescaping can throw on a lone surrogate.
                _role = type != JsonTokenType.String || reader.ValueIsEscaped ? Role.Other
                    : reader.ValueSpan.SequenceEqual("system"u8) ? Role.System
                    : reader.ValueSpan.SequenceEqual("user"u8) ? Role.User
                    : reader.ValueSpan.SequenceEqual("assistant"u8) ? Role.Assistant
                    : Role.Other;
                return true;
            case Key.Content:
                _contentKind = type;
                return type != JsonTokenType.String
                    || (_content = JsonStringScan.Classify(reader.ValueSpan, reader.ValueIsEscaped)) != JsonStringContent.Unreadable;
            default:
                _weightKind = type;
                // Only the plain spellings; "1.0" or "1e0" are valid too, and the full check accepts them.
                if (type == JsonTokenType.Number)
                    _weight = reader.ValueSpan.SequenceEqual("0"u8) ? 0 : reader.ValueSpan.SequenceEqual("1"u8) ? 1 : -1;
                return true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool MessageIsValid()
    {
        if (_role is Role.None or Role.Other || _contentKind != JsonTokenType.String)
            return false;
        bool assistant = _role == Role.Assistant;
        if (assistant && _content != JsonStringContent.NotBlank)
            return false;
        bool trainable = true;
        if (_weightKind != JsonTokenType.None)
        {
            if (!assistant || _weightKind != JsonTokenType.Number || _weight < 0)
                return false;
            trainable = _weight == 1;
        }
        _anyAssistant |= assistant;
        _anyTrainable |= assistant && trainable;
        return true;
    }

    /// <summary>Adds a key name of the innermost open object (which starts at <paramref name="frame"/>); false if it repeats one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AddName(ReadOnlySpan<byte> json, int start, int length, int frame)
    {
        var name = json.Slice(start, length);
        for (int i = frame; i < _nameCount; i++)
        {
            if (_names[i].Length == length && json.Slice(_names[i].Start, length).SequenceEqual(name))
                return false;
        }
        if (_nameCount == MaxNames || _nameCount - frame == MaxNamesPerObject)
            return false;
        _names[_nameCount++] = (start, length);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key RecordKey(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => Key.Id,
        4 when name.SequenceEqual("text"u8) => Key.Text,
        4 when name.SequenceEqual("task"u8) => Key.Task,
        5 when name.SequenceEqual("input"u8) => Key.Input,
        6 when name.SequenceEqual("prompt"u8) => Key.Prompt,
        6 when name.SequenceEqual("output"u8) => Key.Output,
        8 when name.SequenceEqual("messages"u8) => Key.Messages,
        10 when name.SequenceEqual("completion"u8) => Key.Completion,
        11 when name.SequenceEqual("instruction"u8) => Key.Instruction,
        _ => Key.None,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Key MessageKey(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("role"u8) ? Key.Role
        : name.SequenceEqual("content"u8) ? Key.Content
        : name.SequenceEqual("weight"u8) ? Key.Weight
        : Key.None;
}
