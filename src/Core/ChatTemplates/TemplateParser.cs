using System.Globalization;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Builds the syntax tree from tokens, following Jinja's parser (jinja2/parser.py) so precedence matches exactly:
/// <c>if-else</c> &lt; <c>or</c> &lt; <c>and</c> &lt; <c>not</c> &lt; comparisons (<c>in</c>, <c>not in</c>) &lt;
/// <c>+ -</c> &lt; <c>~</c> &lt; <c>* / // %</c> &lt; <c>**</c> &lt; unary minus &lt; filters and tests &lt;
/// <c>. [] ()</c>. So <c>'a' + x | trim</c> is <c>'a' + (x|trim)</c> and <c>not x is defined</c> is
/// <c>not (x is defined)</c>. Unknown filters, tests and tags are rejected here, when the template is parsed.
/// </summary>
internal sealed class TemplateParser
{
    /// <summary>How deep the syntax tree may grow: nested expressions and blocks, and operator or filter chains
    /// (<c>a + b + c</c> nests left). Real templates stay far below; the bound keeps a hostile template from
    /// overflowing the stack while it is parsed or rendered, which would end the process instead of failing.</summary>
    const int MaxNesting = 500;

    static readonly HashSet<string> UnsupportedTags = ["block", "extends", "include", "import", "from", "call", "autoescape", "do"];

    readonly SourceText source;
    readonly List<TemplateToken> tokens;
    int index;
    int loopDepth;
    int nesting;
    readonly Stack<string> openTags = new();

    TemplateParser(SourceText source, List<TemplateToken> tokens)
    {
        this.source = source;
        this.tokens = tokens;
    }

    public static IReadOnlyList<Stmt> Parse(SourceText source)
    {
        var parser = new TemplateParser(source, TemplateLexer.Tokenize(source));
        var body = parser.Subparse(null);
        if (parser.Current.Kind != TokenKind.Eof) throw parser.Error($"unexpected {parser.Current.Describe()}", parser.Current);
        return body;
    }

    TemplateToken Current => tokens[index];

    TemplateToken Peek(int ahead = 1) => tokens[Math.Min(index + ahead, tokens.Count - 1)];

    TemplateToken Next() => tokens[index < tokens.Count - 1 ? index++ : index];

    (int Line, int Column) Position(TemplateToken token) => source.Position(token.Offset);

    ChatTemplateException Error(string message, TemplateToken at)
    {
        var (line, column) = Position(at);
        return new ChatTemplateException($"{message} (line {line}, column {column})", ChatTemplateErrorKind.Syntax, line, column);
    }

    TemplateToken Expect(TokenKind kind, string? value = null)
    {
        var token = Current;
        if (token.Kind != kind || (value is not null && token.Value != value))
        {
            var wanted = value is not null ? $"'{value}'" : kind switch
            {
                TokenKind.Name => "name",
                TokenKind.BlockEnd => "end of statement block",
                TokenKind.VariableEnd => "end of print statement",
                _ => kind.ToString(),
            };
            if (token.Kind == TokenKind.Eof) throw EofError();
            throw Error($"expected token {wanted}, got {token.Describe()}", token);
        }
        return Next();
    }

    ChatTemplateException EofError()
    {
        var message = openTags.Count > 0
            ? $"Unexpected end of template. The innermost block that needs to be closed is '{openTags.Peek()}'."
            : "Unexpected end of template.";
        return Error(message, Current);
    }

    bool SkipOperator(string op)
    {
        if (!Current.IsOperator(op)) return false;
        index++;
        return true;
    }

    bool SkipName(string name)
    {
        if (!Current.IsName(name)) return false;
        index++;
        return true;
    }

    // ---- statements -------------------------------------------------------------------------------------------

    /// <summary>Template content until a block tag whose name is one of <paramref name="endTags"/> (left unconsumed).</summary>
    List<Stmt> Subparse(string[]? endTags)
    {
        var body = new List<Stmt>();
        while (Current.Kind != TokenKind.Eof)
        {
            var token = Current;
            var (line, column) = Position(token);
            switch (token.Kind)
            {
                case TokenKind.Data:
                    body.Add(new TextStmt(token.Value, line, column));
                    index++;
                    break;
                case TokenKind.VariableBegin:
                    index++;
                    body.Add(new PrintStmt(ParseTuple(withCondition: true), line, column));
                    Expect(TokenKind.VariableEnd);
                    break;
                case TokenKind.BlockBegin:
                    index++;
                    if (endTags is not null && Current.Kind == TokenKind.Name && endTags.Contains(Current.Value)) return body;
                    var statement = ParseStatement();
                    if (statement is not null) body.Add(statement);
                    Expect(TokenKind.BlockEnd);
                    break;
                default:
                    throw Error($"unexpected {token.Describe()}", token);
            }
        }
        return body;
    }

    /// <summary>The block end of the opening tag, then the body until one of <paramref name="endTags"/>.</summary>
    List<Stmt> ParseBody(string[] endTags, bool dropNeedle)
    {
        SkipOperator(":");
        Expect(TokenKind.BlockEnd);
        Nest();
        List<Stmt> body;
        try { body = Subparse(endTags); }
        finally { nesting--; }
        if (Current.Kind == TokenKind.Eof)
        {
            var (line, column) = Position(Current);
            var needed = string.Join(" or ", endTags.Select(t => $"'{t}'"));
            throw new ChatTemplateException(
                $"Unexpected end of template. Jinja was looking for the following tags: {needed}. The innermost block that needs to be closed is '{openTags.Peek()}'. (line {line}, column {column})",
                ChatTemplateErrorKind.Syntax, line, column);
        }
        if (dropNeedle) index++;
        return body;
    }

    Stmt? ParseStatement()
    {
        var token = Current;
        if (token.Kind != TokenKind.Name) throw Error("tag name expected", token);
        var (line, column) = Position(token);
        openTags.Push(token.Value);
        try
        {
            switch (token.Value)
            {
                case "if": return ParseIf();
                case "for": return ParseFor();
                case "set": return ParseSet();
                case "macro": return ParseMacro();
                case "with": return ParseWith();
                case "filter": return ParseFilterBlock();
                case "print":
                    index++;
                    return new PrintStmt(ParseTuple(withCondition: true), line, column);
                case "break" or "continue":
                    if (loopDepth == 0) throw Error($"'{token.Value}' outside of a loop", token);
                    index++;
                    return new LoopControlStmt(token.Value == "break" ? Flow.Break : Flow.Continue, line, column);
                case "generation":
                    index++;
                    return new GenerationStmt(ParseBody(["endgeneration"], dropNeedle: true), line, column);
                default:
                    if (UnsupportedTags.Contains(token.Value))
                        throw Error($"the Jinja tag '{token.Value}' is not supported in chat templates here", token);
                    if (token.Value.StartsWith("end", StringComparison.Ordinal) || token.Value is "else" or "elif")
                    {
                        var innermost = openTags.Skip(1).FirstOrDefault();
                        throw Error(innermost is null
                            ? $"Encountered unknown tag '{token.Value}'."
                            : $"Encountered unknown tag '{token.Value}'. The innermost block that needs to be closed is '{innermost}'.", token);
                    }
                    throw Error($"Encountered unknown tag '{token.Value}'.", token);
            }
        }
        finally
        {
            openTags.Pop();
        }
    }

    Stmt ParseIf()
    {
        var (line, column) = Position(Next());
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        IReadOnlyList<Stmt> elseBody = [];
        while (true)
        {
            var test = ParseTuple(withCondition: false);
            var body = ParseBody(["elif", "else", "endif"], dropNeedle: false);
            branches.Add((test, body));
            var tag = Next();
            if (tag.IsName("elif")) continue;
            if (tag.IsName("else")) elseBody = ParseBody(["endif"], dropNeedle: true);
            break;
        }
        return new IfStmt(branches, elseBody, line, column);
    }

    Stmt ParseFor()
    {
        var (line, column) = Position(Next());
        var target = ParseAssignTarget(withNamespace: false, endName: "in");
        Expect(TokenKind.Name, "in");
        var iterable = ParseTuple(withCondition: false, endName: "recursive");
        Expr? filter = null;
        if (SkipName("if")) filter = ParseExpression(withCondition: true);
        if (Current.IsName("recursive")) throw Error("recursive for loops are not supported in chat templates here", Current);
        loopDepth++;
        List<Stmt> body;
        try { body = ParseBody(["endfor", "else"], dropNeedle: false); }
        finally { loopDepth--; }
        IReadOnlyList<Stmt> elseBody = [];
        if (Next().IsName("else")) elseBody = ParseBody(["endfor"], dropNeedle: true);
        return new ForStmt(target, iterable, filter, body, elseBody, line, column);
    }

    Stmt ParseSet()
    {
        var (line, column) = Position(Next());
        var target = ParseAssignTarget(withNamespace: true, endName: null);
        if (SkipOperator("=")) return new SetStmt(target, ParseTuple(withCondition: true), line, column);
        var filters = ParseFilterChain(startInline: false);
        var body = ParseBody(["endset"], dropNeedle: true);
        return new SetBlockStmt(target, filters, body, line, column);
    }

    Stmt ParseFilterBlock()
    {
        var (line, column) = Position(Next());
        var filters = ParseFilterChain(startInline: true);
        var body = ParseBody(["endfilter"], dropNeedle: true);
        return new FilterBlockStmt(filters, body, line, column);
    }

    Stmt ParseWith()
    {
        var (line, column) = Position(Next());
        var bindings = new List<(AssignTarget, Expr)>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (bindings.Count > 0) Expect(TokenKind.Operator, ",");
            var target = ParseAssignTarget(withNamespace: false, endName: null);
            Expect(TokenKind.Operator, "=");
            bindings.Add((target, ParseExpression(withCondition: true)));
        }
        return new WithStmt(bindings, ParseBody(["endwith"], dropNeedle: true), line, column);
    }

    Stmt ParseMacro()
    {
        var (line, column) = Position(Next());
        var name = Expect(TokenKind.Name).Value;
        Expect(TokenKind.Operator, "(");
        var parameters = new List<string>();
        var defaults = new List<Expr?>();
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0) Expect(TokenKind.Operator, ",");
            if (Current.IsOperator(")")) break;
            var parameter = Expect(TokenKind.Name);
            parameters.Add(parameter.Value);
            if (SkipOperator("=")) defaults.Add(ParseExpression(withCondition: true));
            else if (defaults.Any(d => d is not null)) throw Error("non-default argument follows default argument", parameter);
            else defaults.Add(null);
        }
        Expect(TokenKind.Operator, ")");
        var outerLoopDepth = loopDepth;
        loopDepth = 0;
        List<Stmt> body;
        try { body = ParseBody(["endmacro"], dropNeedle: true); }
        finally { loopDepth = outerLoopDepth; }
        return new MacroStmt(name, parameters, defaults, body, line, column);
    }

    /// <summary>A name, names to unpack (<c>key, val</c> or <c>(key, val)</c>), or <c>ns.attr</c>.</summary>
    AssignTarget ParseAssignTarget(bool withNamespace, string? endName)
    {
        var first = Current;
        var (line, column) = Position(first);
        if (withNamespace && first.Kind == TokenKind.Name && Peek().IsOperator("."))
        {
            index += 2;
            var attribute = Expect(TokenKind.Name).Value;
            return new AssignTarget([first.Value], false, attribute, line, column);
        }
        var parenthesized = SkipOperator("(");
        var names = new List<string>();
        var isTuple = parenthesized;
        while (true)
        {
            var token = Current;
            if (token.Kind != TokenKind.Name || token.Value is "true" or "false" or "none" or "True" or "False" or "None")
            {
                if (token.IsOperator("(")) throw Error("nested tuple unpacking is not supported in chat templates here", token);
                throw Error($"can't assign to {token.Describe()}", token);
            }
            names.Add(Next().Value);
            if (!Current.IsOperator(",")) break;
            index++;
            isTuple = true;
            if (Current.Kind is TokenKind.BlockEnd || Current.IsOperator(")") || Current.IsOperator("=") || (endName is not null && Current.IsName(endName))) break;
        }
        if (parenthesized)
        {
            Expect(TokenKind.Operator, ")");
            if (Current.IsOperator(",")) throw Error("nested tuple unpacking is not supported in chat templates here", Current);
        }
        return new AssignTarget(names, isTuple, null, line, column);
    }

    List<(string, ArgumentList)> ParseFilterChain(bool startInline)
    {
        var filters = new List<(string, ArgumentList)>();
        while (startInline || SkipOperator("|"))
        {
            startInline = false;
            var name = ParseDottedName();
            var message = TemplateFilters.UnsupportedMessage(name.Value);
            if (message is not null) throw Error(message, name.Token);
            filters.Add((name.Value, Current.IsOperator("(") ? ParseCallArguments() : ArgumentList.Empty));
        }
        return filters;
    }

    (string Value, TemplateToken Token) ParseDottedName()
    {
        var token = Expect(TokenKind.Name);
        var name = token.Value;
        while (SkipOperator(".")) name += "." + Expect(TokenKind.Name).Value;
        return (name, token);
    }

    // ---- expressions ------------------------------------------------------------------------------------------

    /// <summary>Jinja's parse_tuple: an expression, or a comma-separated tuple of them.</summary>
    Expr ParseTuple(bool withCondition, string? endName = null, bool explicitParentheses = false)
    {
        var (line, column) = Position(Current);
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0) Expect(TokenKind.Operator, ",");
            if (Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd || Current.IsOperator(")") || (endName is not null && Current.IsName(endName)))
                break;
            items.Add(ParseExpression(withCondition));
            if (Current.IsOperator(",")) isTuple = true;
            else break;
        }
        if (!isTuple)
        {
            if (items.Count > 0) return items[0];
            if (!explicitParentheses) throw Error($"Expected an expression, got {Current.Describe()}", Current);
        }
        return new ListExpr(items, isTuple: true, line, column);
    }

    Expr ParseExpression(bool withCondition)
    {
        Nest();
        try { return withCondition ? ParseConditional() : ParseOr(); }
        finally { nesting--; }
    }

    void Nest()
    {
        if (++nesting > MaxNesting || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Error($"the template nests expressions, operators or blocks more than {MaxNesting} deep", Current);
    }

    Expr ParseConditional()
    {
        var expr = ParseOr();
        var chained = 0;
        while (Current.IsName("if"))
        {
            Nest();
            chained++;
            var (line, column) = Position(Next());
            var test = ParseOr();
            Expr? otherwise = SkipName("else") ? ParseConditional() : null;
            expr = new ConditionalExpr(test, expr, otherwise, line, column);
        }
        nesting -= chained;
        return expr;
    }

    Expr ParseOr()
    {
        var left = ParseAnd();
        var chained = 0;
        while (Current.IsName("or"))
        {
            Nest();
            chained++;
            var (line, column) = Position(Next());
            left = new LogicalExpr(false, left, ParseAnd(), line, column);
        }
        nesting -= chained;
        return left;
    }

    Expr ParseAnd()
    {
        var left = ParseNot();
        var chained = 0;
        while (Current.IsName("and"))
        {
            Nest();
            chained++;
            var (line, column) = Position(Next());
            left = new LogicalExpr(true, left, ParseNot(), line, column);
        }
        nesting -= chained;
        return left;
    }

    Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var (line, column) = Position(Next());
            Nest();
            try { return new UnaryExpr('!', ParseNot(), line, column); }
            finally { nesting--; }
        }
        return ParseCompare();
    }

    static readonly string[] CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    Expr ParseCompare()
    {
        var (line, column) = Position(Current);
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Value))
                rest.Add((Next().Value, ParseMath1()));
            else if (SkipName("in")) rest.Add(("in", ParseMath1()));
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                index += 2;
                rest.Add(("not in", ParseMath1()));
            }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, line, column);
    }

    Expr ParseMath1()
    {
        var left = ParseConcat();
        var chained = 0;
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            Nest();
            chained++;
            var op = Next();
            var (line, column) = Position(op);
            left = new BinaryExpr(op.Value, left, ParseConcat(), line, column);
        }
        nesting -= chained;
        return left;
    }

    Expr ParseConcat()
    {
        var (line, column) = Position(Current);
        var parts = new List<Expr> { ParseMath2() };
        while (SkipOperator("~")) parts.Add(ParseMath2());
        return parts.Count == 1 ? parts[0] : new ConcatExpr(parts, line, column);
    }

    Expr ParseMath2()
    {
        var left = ParsePow();
        var chained = 0;
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            Nest();
            chained++;
            var op = Next();
            var (line, column) = Position(op);
            left = new BinaryExpr(op.Value, left, ParsePow(), line, column);
        }
        nesting -= chained;
        return left;
    }

    Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        var chained = 0;
        while (Current.IsOperator("**"))
        {
            Nest();
            chained++;
            var (line, column) = Position(Next());
            left = new BinaryExpr("**", left, ParseUnary(withFilter: true), line, column);
        }
        nesting -= chained;
        return left;
    }

    Expr ParseUnary(bool withFilter)
    {
        var token = Current;
        var (line, column) = Position(token);
        Expr node;
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            index++;
            Nest();
            try { node = new UnaryExpr(token.Value[0], ParseUnary(withFilter: false), line, column); }
            finally { nesting--; }
        }
        else node = ParsePrimary();
        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpression(node) : node;
    }

    Expr ParsePrimary()
    {
        var token = Current;
        var (line, column) = Position(token);
        switch (token.Kind)
        {
            case TokenKind.Name:
                index++;
                return token.Value switch
                {
                    "true" or "True" => new ConstantExpr(BoolValue.True, line, column),
                    "false" or "False" => new ConstantExpr(BoolValue.False, line, column),
                    "none" or "None" => new ConstantExpr(NoneValue.Instance, line, column),
                    _ => new NameExpr(token.Value, line, column),
                };
            case TokenKind.String:
                index++;
                var text = token.Value;
                while (Current.Kind == TokenKind.String) text += Next().Value;
                return new ConstantExpr(new StringValue(text), line, column);
            case TokenKind.Integer:
                index++;
                if (long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    return new ConstantExpr(IntValue.Of(n), line, column);
                try { return new ConstantExpr(BigIntValue.Of(System.Numerics.BigInteger.Parse(token.Value, CultureInfo.InvariantCulture)), line, column); }
                catch (TemplateRuntimeException e) { throw Error(e.Message, token); }
            case TokenKind.Float:
                index++;
                return new ConstantExpr(new FloatValue(double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture)), line, column);
            case TokenKind.Operator when token.Value == "(":
                index++;
                var inner = ParseTuple(withCondition: true, explicitParentheses: true);
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                return ParseList();
            case TokenKind.Operator when token.Value == "{":
                return ParseDict();
            case TokenKind.Eof:
                throw EofError();
            default:
                throw Error($"unexpected {token.Describe()}", token);
        }
    }

    Expr ParseList()
    {
        var (line, column) = Position(Next());
        var items = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (items.Count > 0) Expect(TokenKind.Operator, ",");
            if (Current.IsOperator("]")) break;
            items.Add(ParseExpression(withCondition: true));
        }
        Expect(TokenKind.Operator, "]");
        return new ListExpr(items, isTuple: false, line, column);
    }

    Expr ParseDict()
    {
        var (line, column) = Position(Next());
        var pairs = new List<(Expr, Expr)>();
        while (!Current.IsOperator("}"))
        {
            if (pairs.Count > 0) Expect(TokenKind.Operator, ",");
            if (Current.IsOperator("}")) break;
            var key = ParseExpression(withCondition: true);
            Expect(TokenKind.Operator, ":");
            pairs.Add((key, ParseExpression(withCondition: true)));
        }
        Expect(TokenKind.Operator, "}");
        return new DictExpr(pairs, line, column);
    }

    Expr ParsePostfix(Expr node)
    {
        var chained = 0;
        while (Current.IsOperator(".") || Current.IsOperator("[") || Current.IsOperator("("))
        {
            Nest();
            chained++;
            node = Current.IsOperator("(") ? ParseCall(node) : ParseSubscript(node);
        }
        nesting -= chained;
        return node;
    }

    Expr ParseFilterExpression(Expr node)
    {
        var chained = 0;
        while (Current.IsOperator("|") || Current.IsName("is") || Current.IsOperator("("))
        {
            Nest();
            chained++;
            if (Current.IsOperator("|")) node = ParseFilter(node);
            else if (Current.IsName("is")) node = ParseTest(node);
            else node = ParseCall(node);
        }
        nesting -= chained;
        return node;
    }

    Expr ParseSubscript(Expr node)
    {
        var token = Next();
        var (line, column) = Position(token);
        if (token.IsOperator("."))
        {
            var attribute = Next();
            var (attributeLine, attributeColumn) = Position(attribute);
            if (attribute.Kind == TokenKind.Name) return new AttributeExpr(node, attribute.Value, attributeLine, attributeColumn);
            if (attribute.Kind != TokenKind.Integer) throw Error("expected name or number", attribute);
            return new ItemExpr(node, new ConstantExpr(IntValue.Of(long.Parse(attribute.Value, CultureInfo.InvariantCulture)), line, column), line, column);
        }
        var subscripts = new List<Expr>();
        Expr? slice = null;
        while (!Current.IsOperator("]"))
        {
            if (subscripts.Count > 0 || slice is not null) Expect(TokenKind.Operator, ",");
            var (start, stop, step, isSlice) = ParseSubscribed();
            if (isSlice)
            {
                if (subscripts.Count > 0 || slice is not null) throw Error("multi-dimensional subscripts are not supported in chat templates here", token);
                slice = new SliceExpr(node, start, stop, step, line, column);
            }
            else
            {
                if (slice is not null) throw Error("multi-dimensional subscripts are not supported in chat templates here", token);
                subscripts.Add(start!);
            }
        }
        Expect(TokenKind.Operator, "]");
        if (slice is not null) return slice;
        if (subscripts.Count == 0) throw Error("expected a subscript", token);
        var key = subscripts.Count == 1 ? subscripts[0] : new ListExpr(subscripts, isTuple: true, line, column);
        return new ItemExpr(node, key, line, column);
    }

    (Expr? Start, Expr? Stop, Expr? Step, bool IsSlice) ParseSubscribed()
    {
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression(withCondition: true);
            if (!Current.IsOperator(":")) return (start, null, null, false);
        }
        index++;
        Expr? stop = null, step = null;
        if (!Current.IsOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(",")) stop = ParseExpression(withCondition: true);
        if (SkipOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(",")) step = ParseExpression(withCondition: true);
        return (start, stop, step, true);
    }

    /// <summary>A call, positioned where the callee starts (what a person looks for in an error message).</summary>
    Expr ParseCall(Expr node) => new CallExpr(node, ParseCallArguments(), node.Line, node.Column);

    ArgumentList ParseCallArguments()
    {
        var open = Expect(TokenKind.Operator, "(");
        var positional = new List<Expr>();
        var keywords = new List<(string, Expr)>();
        var requireComma = false;
        while (!Current.IsOperator(")"))
        {
            if (requireComma)
            {
                Expect(TokenKind.Operator, ",");
                if (Current.IsOperator(")")) break;
            }
            if (Current.IsOperator("*") || Current.IsOperator("**"))
                throw Error("*args and **kwargs in calls are not supported in chat templates here", Current);
            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                var key = Next().Value;
                index++;
                keywords.Add((key, ParseExpression(withCondition: true)));
            }
            else
            {
                if (keywords.Count > 0) throw Error("invalid syntax for function call expression (a positional argument follows a keyword argument)", open);
                positional.Add(ParseExpression(withCondition: true));
            }
            requireComma = true;
        }
        Expect(TokenKind.Operator, ")");
        return new ArgumentList(positional, keywords);
    }

    /// <summary>One <c>| name(args)</c>; <see cref="ParseFilterExpression"/> loops over a chain.</summary>
    Expr ParseFilter(Expr node)
    {
        Expect(TokenKind.Operator, "|");
        var (name, token) = ParseDottedName();
        var (line, column) = Position(token);
        var message = TemplateFilters.UnsupportedMessage(name);
        if (message is not null) throw Error(message, token);
        var arguments = Current.IsOperator("(") ? ParseCallArguments() : ArgumentList.Empty;
        return new FilterExpr(node, name, arguments, line, column);
    }

    Expr ParseTest(Expr node)
    {
        var isToken = Next();
        var (line, column) = Position(isToken);
        var negated = SkipName("not");
        var (name, token) = ParseDottedName();
        if (!TemplateTests.IsKnown(name)) throw Error($"No test named '{name}'.", token);
        ArgumentList arguments;
        if (Current.IsOperator("(")) arguments = ParseCallArguments();
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || Current.IsOperator("[") || Current.IsOperator("{"))
                 && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and"))
        {
            // Jinja's one-argument form without parentheses: `x is divisibleby 3`, `x is sameas none`.
            if (Current.IsName("is")) throw Error("You cannot chain multiple tests with is", Current);
            arguments = new ArgumentList([ParsePostfix(ParsePrimary())], []);
        }
        else arguments = ArgumentList.Empty;
        Expr test = new TestExpr(node, name, arguments, line, column);
        return negated ? new UnaryExpr('!', test, line, column) : test;
    }
}
