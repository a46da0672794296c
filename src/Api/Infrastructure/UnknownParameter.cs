using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// Names a field of a JSON body that the request type does not have, and the known name nearest to it. Bodies are read
/// with <see cref="System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow"/>, so a misspelled or unsupported
/// field (a hyperparameter "lerning_rate") fails the read instead of being dropped while the job runs without it. That
/// failure is a JsonException whose path ends with the field; following the path through the request type's JSON
/// contract finds the object it was in, and so the names it could have meant.
/// </summary>
public static partial class UnknownParameter
{
    /// <summary>The 400 for <paramref name="error"/> when its path ends in a field that <paramref name="root"/>'s contract
    /// lacks; null when the error is something else (a wrong type, malformed JSON).</summary>
    public static ApiException? Describe(JsonException error, Type root, JsonSerializerOptions options)
    {
        if (error.Path is not { } path || Segments(path) is not { Count: > 0 } segments || segments[^1] is not { Name: { } unknown }) return null;
        var container = root;
        foreach (var segment in segments.SkipLast(1))
        {
            container = segment.Name is { } name ? MemberType(container, name, options) : ElementType(container, options);
            if (container is null) return null;
        }
        var info = options.GetTypeInfo(container);
        if (info.Kind != JsonTypeInfoKind.Object || Find(info, unknown, options) is not null) return null;

        var param = string.Join("", segments.Select((s, i) => s.Name is null ? $"[{s.Index}]" : i == 0 ? s.Name : "." + s.Name));
        var known = info.Properties.Select(p => p.Name).ToList();
        var hint = Nearest(unknown, known) is { } nearest
            ? $"Did you mean '{nearest}'?"
            : $"The parameters {(segments.Count == 1 ? "of this request" : $"of '{param[..param.LastIndexOf('.')]}'")} are: {string.Join(", ", known.Order())}.";
        return new ApiException(400, $"Unknown parameter '{param}'. {hint}", param, "unknown_parameter");
    }

    /// <summary>The known name within a few edits of <paramref name="unknown"/> (a third of its length, at least 2), the closest first.</summary>
    static string? Nearest(string unknown, IEnumerable<string> known)
    {
        var limit = Math.Max(2, unknown.Length / 3);
        return known.Select(k => (Name: k, Distance: EditDistance(unknown.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(c => c.Distance <= limit).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).Select(c => c.Name).FirstOrDefault();
    }

    /// <summary>
    /// Levenshtein distance (insertions, deletions, substitutions), two rows of the table. Written here rather than taken
    /// from a package: a dozen lines, run once per refused request on names of a few dozen characters.
    /// </summary>
    static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    static Type? MemberType(Type container, string name, JsonSerializerOptions options)
    {
        var info = options.GetTypeInfo(container);
        return info.Kind switch
        {
            JsonTypeInfoKind.Object => Find(info, name, options) is { } property ? Unwrap(property.PropertyType) : null,
            JsonTypeInfoKind.Dictionary => Unwrap(info.ElementType!),
            _ => null,
        };
    }

    static Type? ElementType(Type container, JsonSerializerOptions options) =>
        options.GetTypeInfo(container) is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element } ? Unwrap(element) : null;

    static JsonPropertyInfo? Find(JsonTypeInfo info, string name, JsonSerializerOptions options) =>
        info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    sealed record Segment(string? Name, int Index);

    /// <summary>System.Text.Json's path: $.name, $['odd name'] and [index] steps.</summary>
    static List<Segment>? Segments(string path)
    {
        if (!path.StartsWith('$')) return null;
        var segments = new List<Segment>();
        var at = 1;
        foreach (Match m in PathStep().Matches(path, 1))
        {
            if (m.Index != at) return null;
            segments.Add(m.Groups["index"].Success ? new Segment(null, int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture))
                : new Segment(m.Groups["plain"].Success ? m.Groups["plain"].Value : m.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal), 0));
            at = m.Index + m.Length;
        }
        return at == path.Length ? segments : null;
    }

    [GeneratedRegex(@"\.(?<plain>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}
