using System.Globalization;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Splits a template into tokens the way Jinja's lexer does in transformers' environment. The whitespace rules are
/// the part a golden depends on byte for byte:
/// <list type="bullet">
/// <item><c>trim_blocks</c>: one <c>\n</c> right after <c>%}</c> or <c>#}</c> is dropped (not after <c>}}</c>).</item>
/// <item><c>lstrip_blocks</c>: whitespace between the start of a line and <c>{%</c> or <c>{#</c> is dropped;
/// <c>{%+</c> keeps them.</item>
/// <item><c>{%-</c>, <c>{{-</c>, <c>{#-</c> strip all whitespace (Python's <c>str.isspace</c>) before the tag;
/// <c>-%}</c>, <c>-}}</c>, <c>-#}</c> all whitespace after it.</item>
/// </list>
/// Inside a tag, an end marker only counts outside brackets, so <c>{{ {'a': {'b': 1}} }}</c> lexes.
/// <c>{% raw %}…{% endraw %}</c> is handled here, as in Jinja.
/// </summary>
internal sealed class TemplateLexer
{
    static readonly string[] Operators =
    [
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ];

    readonly SourceText source;
    readonly string s;
    readonly List<TemplateToken> tokens = [];
    int pos;
    bool lineStarting = true;

    TemplateLexer(SourceText source)
    {
        this.source = source;
        s = source.Text;
    }

    public static List<TemplateToken> Tokenize(SourceText source)
    {
        var lexer = new TemplateLexer(source);
        lexer.Run();
        return lexer.tokens;
    }

    ChatTemplateException Error(string message, int offset)
    {
        var (line, column) = source.Position(offset);
        return new ChatTemplateException($"{message} (line {line}, column {column})", ChatTemplateErrorKind.Syntax, line, column);
    }

    void Run()
    {
        while (pos < s.Length)
        {
            var tag = FindTagStart(pos);
            if (tag < 0)
            {
                tokens.Add(new(TokenKind.Data, s[pos..], pos));
                break;
            }
            var kind = s[tag + 1];
            var sign = tag + 2 < s.Length && s[tag + 2] is '-' or '+' ? s[tag + 2] : '\0';
            var text = s[pos..tag];
            if (sign == '-') text = RStrip(text);
            else if (sign != '+' && kind != '{') text = LStripBlock(text);
            if (text.Length > 0) tokens.Add(new(TokenKind.Data, text, pos));
            pos = tag + 2 + (sign == '\0' ? 0 : 1);
            lineStarting = false;

            if (kind == '#') SkipComment(tag);
            else if (kind == '%' && TryRaw(tag)) { }
            else
            {
                tokens.Add(new(kind == '{' ? TokenKind.VariableBegin : TokenKind.BlockBegin, s[tag..pos], tag));
                LexTag(kind == '{', tag);
            }
        }
        tokens.Add(new(TokenKind.Eof, "", s.Length));
    }

    int FindTagStart(int from)
    {
        for (var i = s.IndexOf('{', from); i >= 0 && i + 1 < s.Length; i = s.IndexOf('{', i + 1))
            if (s[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    static string RStrip(string text) => PythonString.Strip(text, null, false, true);

    /// <summary>lstrip_blocks: drop the whitespace between the line start and the tag (Jinja 3 matches Python's
    /// <c>\s+</c>, so a form feed goes too, not only spaces and tabs).</summary>
    string LStripBlock(string text)
    {
        var lineStart = text.LastIndexOf('\n') + 1;
        if (lineStart == 0 && !lineStarting) return text;
        for (var i = lineStart; i < text.Length; i++)
            if (!PythonString.IsSpace(text[i])) return text;
        return text[..lineStart];
    }

    void SkipWhitespace()
    {
        while (pos < s.Length && PythonString.IsSpace(s[pos])) pos++;
    }

    void SkipComment(int tag)
    {
        var end = s.IndexOf("#}", pos, StringComparison.Ordinal);
        if (end < 0) throw Error("Missing end of comment tag", tag);
        var sign = end > pos && s[end - 1] is '-' or '+' ? s[end - 1] : '\0';
        pos = end + 2;
        if (sign == '-') SkipWhitespace();
        else if (sign != '+' && pos < s.Length && s[pos] == '\n') pos++;
        lineStarting = s[pos - 1] == '\n';
    }

    /// <summary><c>{% raw %}…{% endraw %}</c>: the body is data, verbatim.</summary>
    bool TryRaw(int tag)
    {
        var i = pos;
        while (i < s.Length && PythonString.IsSpace(s[i])) i++;
        if (string.CompareOrdinal(s, i, "raw", 0, 3) != 0) return false;
        i += 3;
        while (i < s.Length && PythonString.IsSpace(s[i])) i++;
        bool stripAfter;
        if (string.CompareOrdinal(s, i, "-%}", 0, 3) == 0) { stripAfter = true; i += 3; }
        else if (string.CompareOrdinal(s, i, "%}", 0, 2) == 0) { stripAfter = false; i += 2; }
        else return false;
        if (stripAfter) while (i < s.Length && PythonString.IsSpace(s[i])) i++;

        for (var at = s.IndexOf("{%", i, StringComparison.Ordinal); at >= 0; at = s.IndexOf("{%", at + 2, StringComparison.Ordinal))
        {
            var j = at + 2;
            var sign = j < s.Length && s[j] is '-' or '+' ? s[j] : '\0';
            if (sign != '\0') j++;
            while (j < s.Length && PythonString.IsSpace(s[j])) j++;
            if (string.CompareOrdinal(s, j, "endraw", 0, 6) != 0) continue;
            j += 6;
            while (j < s.Length && PythonString.IsSpace(s[j])) j++;
            var body = s[i..at];
            if (sign == '-') body = RStrip(body);
            if (body.Length > 0) tokens.Add(new(TokenKind.Data, body, i));
            if (string.CompareOrdinal(s, j, "-%}", 0, 3) == 0) { pos = j + 3; SkipWhitespace(); }
            else if (string.CompareOrdinal(s, j, "+%}", 0, 3) == 0) pos = j + 3;
            else if (string.CompareOrdinal(s, j, "%}", 0, 2) == 0)
            {
                pos = j + 2;
                if (pos < s.Length && s[pos] == '\n') pos++;
            }
            else throw Error("expected the end of the endraw tag", j);
            lineStarting = s[pos - 1] == '\n';
            return true;
        }
        throw Error("Missing end of raw directive", tag);
    }

    void LexTag(bool variable, int tag)
    {
        var brackets = new Stack<char>();
        while (true)
        {
            if (pos >= s.Length)
                throw Error($"unexpected end of template: the {(variable ? "{{" : "{%")} tag opened here is never closed", tag);
            if (brackets.Count == 0 && TryTagEnd(variable)) return;
            var c = s[pos];
            if (PythonString.IsSpace(c)) { pos++; continue; }
            var start = pos;
            if (char.IsAsciiDigit(c))
            {
                tokens.Add(LexNumber());
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (pos < s.Length && (char.IsLetterOrDigit(s[pos]) || s[pos] == '_')) pos++;
                tokens.Add(new(TokenKind.Name, s[start..pos], start));
                continue;
            }
            if (c is '\'' or '"')
            {
                tokens.Add(new(TokenKind.String, LexString(c), start));
                continue;
            }
            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(s, pos, o, 0, o.Length) == 0);
            if (op is null) throw Error($"unexpected char '{c}' at {pos}", pos);
            pos += op.Length;
            switch (op)
            {
                case "(": brackets.Push(')'); break;
                case "[": brackets.Push(']'); break;
                case "{": brackets.Push('}'); break;
                case ")" or "]" or "}":
                    if (brackets.Count == 0) throw Error($"unexpected '{op}'", start);
                    var expected = brackets.Pop();
                    if (expected != op[0]) throw Error($"unexpected '{op}', expected '{expected}'", start);
                    break;
            }
            tokens.Add(new(TokenKind.Operator, op, start));
        }
    }

    bool TryTagEnd(bool variable)
    {
        var end = variable ? "}}" : "%}";
        var start = pos;
        if (s[pos] == '-' && string.CompareOrdinal(s, pos + 1, end, 0, 2) == 0)
        {
            pos += 3;
            SkipWhitespace();
        }
        else if (!variable && s[pos] == '+' && string.CompareOrdinal(s, pos + 1, end, 0, 2) == 0) pos += 3;
        else if (string.CompareOrdinal(s, pos, end, 0, 2) == 0)
        {
            pos += 2;
            if (!variable && pos < s.Length && s[pos] == '\n') pos++;
        }
        else return false;
        tokens.Add(new(variable ? TokenKind.VariableEnd : TokenKind.BlockEnd, s[start..pos], start));
        lineStarting = s[pos - 1] == '\n';
        return true;
    }

    TemplateToken LexNumber()
    {
        var start = pos;
        if (s[pos] == '0' && pos + 1 < s.Length && char.ToLowerInvariant(s[pos + 1]) is 'x' or 'o' or 'b')
        {
            var radix = char.ToLowerInvariant(s[pos + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            pos += 2;
            var digitsStart = pos;
            while (pos < s.Length && (Uri.IsHexDigit(s[pos]) || s[pos] == '_')) pos++;
            var digits = s[digitsStart..pos].Replace("_", "", StringComparison.Ordinal);
            try { return new(TokenKind.Integer, Convert.ToInt64(digits, radix).ToString(CultureInfo.InvariantCulture), start); }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { throw Error($"invalid number '{s[start..pos]}'", start); }
        }
        ReadDigits();
        var isFloat = false;
        if (pos + 1 < s.Length && s[pos] == '.' && char.IsAsciiDigit(s[pos + 1]))
        {
            isFloat = true;
            pos++;
            ReadDigits();
        }
        if (pos < s.Length && s[pos] is 'e' or 'E')
        {
            var save = pos;
            pos++;
            if (pos < s.Length && s[pos] is '+' or '-') pos++;
            if (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                isFloat = true;
                ReadDigits();
            }
            else pos = save;
        }
        return new(isFloat ? TokenKind.Float : TokenKind.Integer, s[start..pos].Replace("_", "", StringComparison.Ordinal), start);
    }

    void ReadDigits()
    {
        while (pos < s.Length && (char.IsAsciiDigit(s[pos]) || (s[pos] == '_' && pos + 1 < s.Length && char.IsAsciiDigit(s[pos + 1])))) pos++;
    }

    /// <summary>A string literal, decoded as Jinja does: Python's <c>unicode-escape</c> (<c>\n \t \' \" \\ \xhh
    /// \uhhhh \Uhhhhhhhh</c>, octal); an unknown escape keeps its backslash.</summary>
    string LexString(char quote)
    {
        var start = pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= s.Length) throw Error("unexpected end of string: the string literal is never closed", start);
            var c = s[pos++];
            if (c == quote) return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (pos >= s.Length) throw Error("unexpected end of string: the string literal is never closed", start);
            var e = s[pos++];
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': sb.Append((char)HexEscape(2, start)); break;
                case 'u': sb.Append((char)HexEscape(4, start)); break;
                case 'U':
                    var cp = HexEscape(8, start);
                    if (cp > 0x10FFFF) throw Error("illegal Unicode character in a \\U escape", pos - 10);
                    PythonString.AppendCodePoint(sb, cp);
                    break;
                case >= '0' and <= '7':
                    var value = e - '0';
                    for (var k = 0; k < 2 && pos < s.Length && s[pos] is >= '0' and <= '7'; k++) value = value * 8 + (s[pos++] - '0');
                    sb.Append((char)value);
                    break;
                case 'N': throw Error("\\N{...} escapes are not supported in chat templates here", pos - 2);
                default:
                    // Jinja first encodes the literal with backslashreplace, so a backslash before a non-ASCII
                    // character keeps both the backslash and that character's \x/\u/\U spelling.
                    sb.Append('\\');
                    if (e < 0x80) sb.Append(e);
                    else
                    {
                        var code = char.IsHighSurrogate(e) && pos < s.Length && char.IsLowSurrogate(s[pos]) ? char.ConvertToUtf32(e, s[pos++]) : e;
                        sb.Append(code <= 0xFF ? $"\\x{code:x2}" : code <= 0xFFFF ? $"\\u{code:x4}" : $"\\U{code:x8}");
                    }
                    break;
            }
        }
    }

    int HexEscape(int digits, int literalStart)
    {
        if (pos + digits > s.Length) throw Error($"truncated \\{s[pos - 1]} escape in a string literal", literalStart);
        var text = s.Substring(pos, digits);
        if (!int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) || text.Any(ch => !Uri.IsHexDigit(ch)))
            throw Error($"truncated \\{s[pos - 1]} escape in a string literal", literalStart);
        pos += digits;
        return value;
    }
}
