using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// JSON → template values, as Python's <c>json.loads</c> would give them to Jinja: objects become dicts in the
/// file's key order (which <c>tojson</c> and <c>.items()</c> follow), numbers with a fraction or exponent become
/// floats and the others ints, null becomes None.
/// </summary>
internal static class JsonValueConverter
{
    public static TemplateValue FromNode(JsonNode? node)
    {
        RuntimeGuard.EnsureStack();
        switch (node)
        {
            case null: return NoneValue.Instance;
            case JsonObject o:
                return new DictValue(o.Select(p => new KeyValuePair<TemplateValue, TemplateValue>(new StringValue(p.Key), FromNode(p.Value))));
            case JsonArray a:
                var items = new TemplateValue[a.Count];
                for (var i = 0; i < items.Length; i++) items[i] = FromNode(a[i]);
                return new ListValue(items);
            case JsonValue v:
                return FromValue(v);
            default:
                throw new ArgumentException($"unsupported JSON node {node.GetType().Name}");
        }
    }

    static TemplateValue FromValue(JsonValue v)
    {
        if (v.TryGetValue<JsonElement>(out var element)) return FromElement(element);
        switch (v.GetValueKind())
        {
            case JsonValueKind.String: return new StringValue(v.GetValue<string>());
            case JsonValueKind.True: return BoolValue.True;
            case JsonValueKind.False: return BoolValue.False;
            case JsonValueKind.Null: return NoneValue.Instance;
            case JsonValueKind.Number:
                if (v.TryGetValue<long>(out var l)) return IntValue.Of(l);
                if (v.TryGetValue<int>(out var i)) return IntValue.Of(i);
                if (v.TryGetValue<double>(out var d)) return new FloatValue(d);
                if (v.TryGetValue<float>(out var f)) return new FloatValue(f);
                if (v.TryGetValue<ulong>(out var u)) return BigIntValue.Of(u);
                if (v.TryGetValue<decimal>(out var m)) return new FloatValue((double)m);
                return Number(v.ToJsonString());
            default:
                return FromElement(JsonDocument.Parse(v.ToJsonString()).RootElement);
        }
    }

    public static TemplateValue FromElement(JsonElement element)
    {
        RuntimeGuard.EnsureStack();
        return element.ValueKind switch
        {
            JsonValueKind.Object => new DictValue(element.EnumerateObject()
                .Select(p => new KeyValuePair<TemplateValue, TemplateValue>(new StringValue(p.Name), FromElement(p.Value)))),
            JsonValueKind.Array => new ListValue(element.EnumerateArray().Select(FromElement).ToArray()),
            JsonValueKind.String => new StringValue(element.GetString()!),
            JsonValueKind.Number => Number(element.GetRawText()),
            JsonValueKind.True => BoolValue.True,
            JsonValueKind.False => BoolValue.False,
            _ => NoneValue.Instance,
        };
    }

    /// <summary>A JSON number as Python reads it: an int (of any size) unless it has a fraction or an exponent.</summary>
    static TemplateValue Number(string raw)
    {
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return IntValue.Of(n);
            return BigIntValue.Of(System.Numerics.BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
        return new FloatValue(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
