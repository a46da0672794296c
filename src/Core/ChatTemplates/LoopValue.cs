using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The <c>loop</c> variable of the innermost <c>for</c>: index, index0, revindex, revindex0, first, last, length,
/// previtem, nextitem, depth, depth0, cycle(...), changed(...). One object per loop, advanced in place as Jinja's LoopContext is.
/// </summary>
internal sealed class LoopValue(IReadOnlyList<TemplateValue> items) : TemplateValue
{
    /// <summary>What the last <c>loop.changed(...)</c> call saw (null before the first call).</summary>
    TemplateValue? lastChanged;

    public int Index0 { get; set; }

    public override string TypeName => "LoopContext";

    public override void WriteStr(StringBuilder sb) => sb.Append("<LoopContext ").Append(Index0 + 1).Append('/').Append(items.Count).Append('>');

    public override TemplateValue? FindAttribute(string name) => name switch
    {
        "index0" => IntValue.Of(Index0),
        "index" => IntValue.Of(Index0 + 1),
        "revindex" => IntValue.Of(items.Count - Index0),
        "revindex0" => IntValue.Of(items.Count - Index0 - 1),
        "first" => BoolValue.Of(Index0 == 0),
        "last" => BoolValue.Of(Index0 == items.Count - 1),
        "length" => IntValue.Of(items.Count),
        "depth" => IntValue.Of(1),
        "depth0" => IntValue.Of(0),
        "previtem" => Index0 > 0 ? items[Index0 - 1] : UndefinedValue.WithHint("there is no previous item"),
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : UndefinedValue.WithHint("there is no next item"),
        "cycle" => new FunctionValue("loop.cycle", (args, _) =>
        {
            if (args.Keywords.Count > 0) throw new TemplateRuntimeException("TypeError: loop.cycle() takes no keyword arguments");
            if (args.Positional.Count == 0) throw new TemplateRuntimeException("TypeError: no items for cycling given");
            return args.Positional[Index0 % args.Positional.Count];
        }),
        "changed" => new FunctionValue("loop.changed", (args, _) =>
        {
            TemplateValue current = new ListValue(args.Positional, isTuple: true);
            if (lastChanged is not null && PythonOps.Equal(lastChanged, current)) return BoolValue.False;
            lastChanged = current;
            return BoolValue.True;
        }),
        _ => null,
    };
}
