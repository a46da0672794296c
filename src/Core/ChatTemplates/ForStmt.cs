namespace TuningService.Core.ChatTemplates;

/// <summary>
/// <c>{% for target in iterable if test %}…{% else %}…{% endfor %}</c>. Each iteration runs in a fresh child scope
/// (so a <c>set</c> in the body neither leaks out nor carries to the next iteration) holding the target and
/// <c>loop</c>. The inline <c>if</c> filters before counting, so <c>loop.last</c> and <c>loop.length</c> see only the
/// kept items; <c>else</c> runs when nothing was iterated. Every iteration counts against the step limit.
/// </summary>
internal sealed class ForStmt(AssignTarget target, Expr iterable, Expr? filter, IReadOnlyList<Stmt> body, IReadOnlyList<Stmt> elseBody, int line, int column)
    : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        var source = iterable.Evaluate(context, scope);
        context.At(Line, Column);
        var items = source.Iterate();
        if (filter is not null)
        {
            var kept = new List<TemplateValue>();
            foreach (var item in items)
            {
                context.Step();
                var probe = new Scope(scope);
                target.Assign(item, probe, context);
                if (filter.Evaluate(context, probe).IsTrue) kept.Add(item);
            }
            items = kept;
        }
        if (items.Count == 0) return ExecuteAll(elseBody, context, new Scope(scope));

        var loop = new LoopValue(items);
        for (var i = 0; i < items.Count; i++)
        {
            context.Step();
            loop.Index0 = i;
            var iteration = new Scope(scope);
            target.Assign(items[i], iteration, context);
            iteration.Set("loop", loop);
            if (ExecuteAll(body, context, iteration) == Flow.Break) break;
        }
        return Flow.Normal;
    }
}
