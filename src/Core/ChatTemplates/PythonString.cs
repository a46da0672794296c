using System.Globalization;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's <c>str</c> semantics where they differ from .NET's: whitespace as <c>str.isspace()</c> defines it,
/// <c>strip</c>/<c>split</c>/<c>splitlines</c>, <c>repr()</c>, and lengths, indices and slices counted in code
/// points (a .NET string counts UTF-16 units, so an emoji would otherwise count twice).
/// </summary>
internal static class PythonString
{
    /// <summary>Python's <c>str.isspace()</c> for one code point (U+00A0 and U+3000 included, U+FEFF and U+200B not).</summary>
    public static bool IsSpace(int c) => c switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    public static bool HasSurrogates(string s)
    {
        foreach (var c in s)
            if (char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>The string's code points (a lone surrogate counts as one, as Python's surrogateescape strings do).</summary>
    public static int[] CodePoints(string s)
    {
        var list = new List<int>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(char.ConvertToUtf32(s[i], s[i + 1]));
                i++;
            }
            else list.Add(s[i]);
        }
        return [.. list];
    }

    public static string FromCodePoints(IEnumerable<int> codePoints)
    {
        var sb = new StringBuilder();
        foreach (var cp in codePoints) AppendCodePoint(sb, cp);
        return sb.ToString();
    }

    public static void AppendCodePoint(StringBuilder sb, int cp)
    {
        if (cp >= 0x10000) sb.Append(char.ConvertFromUtf32(cp));
        else sb.Append((char)cp);
    }

    public static string CodePointToString(int cp) => cp >= 0x10000 ? char.ConvertFromUtf32(cp) : ((char)cp).ToString();

    public static int Length(string s) => HasSurrogates(s) ? CodePoints(s).Length : s.Length;

    /// <summary>Python's <c>str.strip/lstrip/rstrip</c>: whitespace when <paramref name="chars"/> is null, else any of those characters.</summary>
    public static string Strip(string s, string? chars, bool left, bool right)
    {
        int[]? set = chars is null ? null : CodePoints(chars);
        bool Strippable(int cp) => set is null ? IsSpace(cp) : Array.IndexOf(set, cp) >= 0;
        if (!HasSurrogates(s) && (chars is null || !HasSurrogates(chars)))
        {
            int start = 0, end = s.Length;
            if (left) while (start < end && Strippable(s[start])) start++;
            if (right) while (end > start && Strippable(s[end - 1])) end--;
            return s.Substring(start, end - start);
        }
        var cps = CodePoints(s);
        int a = 0, b = cps.Length;
        if (left) while (a < b && Strippable(cps[a])) a++;
        if (right) while (b > a && Strippable(cps[b - 1])) b--;
        return FromCodePoints(cps[a..b]);
    }

    /// <summary>Python's <c>str.split(sep, maxsplit)</c>; a null separator splits on whitespace runs and drops empty parts.</summary>
    public static List<string> Split(string s, string? sep, long maxSplit)
    {
        var parts = new List<string>();
        if (sep is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(s[i..]);
                    break;
                }
                var start = i;
                while (i < s.Length && !IsSpace(s[i])) i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0) throw new TemplateRuntimeException("ValueError: empty separator");
        var pos = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var idx = s.IndexOf(sep, pos, StringComparison.Ordinal);
            if (idx < 0) break;
            parts.Add(s[pos..idx]);
            pos = idx + sep.Length;
        }
        parts.Add(s[pos..]);
        return parts;
    }

    /// <summary>Python's <c>str.rsplit(sep, maxsplit)</c>.</summary>
    public static List<string> RSplit(string s, string? sep, long maxSplit)
    {
        if (maxSplit < 0) return Split(s, sep, maxSplit);
        var parts = new List<string>();
        if (sep is null)
        {
            var i = s.Length;
            while (true)
            {
                while (i > 0 && IsSpace(s[i - 1])) i--;
                if (i <= 0) break;
                if (parts.Count == maxSplit)
                {
                    parts.Add(s[..i]);
                    break;
                }
                var end = i;
                while (i > 0 && !IsSpace(s[i - 1])) i--;
                parts.Add(s[i..end]);
            }
            parts.Reverse();
            return parts;
        }
        if (sep.Length == 0) throw new TemplateRuntimeException("ValueError: empty separator");
        var pos = s.Length;
        while (parts.Count < maxSplit)
        {
            if (pos - sep.Length < 0) break;
            var idx = s.LastIndexOf(sep, pos - 1, pos, StringComparison.Ordinal);
            if (idx < 0 || idx + sep.Length > pos) break;
            parts.Add(s[(idx + sep.Length)..pos]);
            pos = idx;
        }
        parts.Add(s[..pos]);
        parts.Reverse();
        return parts;
    }

    static bool IsLineBreak(char c) => c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>Python's <c>str.splitlines(keepends)</c>: every Unicode line boundary, <c>\r\n</c> as one.</summary>
    public static List<string> SplitLines(string s, bool keepEnds)
    {
        var lines = new List<string>();
        var start = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (!IsLineBreak(s[i])) { i++; continue; }
            var eol = i;
            i += s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? 2 : 1;
            lines.Add(keepEnds ? s[start..i] : s[start..eol]);
            start = i;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    /// <summary>Python's <c>str.replace(old, new, count)</c>, including an empty <paramref name="old"/> (inserted between code points).</summary>
    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count == 0) return s;
        if (old.Length == 0)
        {
            var cps = CodePoints(s);
            var sb = new StringBuilder();
            long done = 0;
            for (var i = 0; i <= cps.Length; i++)
            {
                if (count < 0 || done < count) { sb.Append(replacement); done++; }
                if (i < cps.Length) AppendCodePoint(sb, cps[i]);
            }
            return sb.ToString();
        }
        if (count < 0) return s.Replace(old, replacement, StringComparison.Ordinal);
        var result = new StringBuilder();
        var pos = 0;
        for (long n = 0; n < count; n++)
        {
            var idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0) break;
            result.Append(s, pos, idx - pos).Append(replacement);
            pos = idx + old.Length;
        }
        return result.Append(s, pos, s.Length - pos).ToString();
    }

    /// <summary>Whether Python's <c>str.isprintable()</c> holds for one code point (decides repr's escapes).</summary>
    static bool IsPrintable(int cp)
    {
        if (cp == ' ') return true;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;
        var cat = cp >= 0x10000 ? CharUnicodeInfo.GetUnicodeCategory(cp) : CharUnicodeInfo.GetUnicodeCategory((char)cp);
        return cat switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    /// <summary>Python's <c>repr()</c> of a string: single quotes unless it holds a single quote and no double quote.</summary>
    public static void WriteRepr(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var cp in CodePoints(s))
        {
            if (cp == quote || cp == '\\') sb.Append('\\').Append((char)cp);
            else if (cp == '\t') sb.Append("\\t");
            else if (cp == '\n') sb.Append("\\n");
            else if (cp == '\r') sb.Append("\\r");
            else if (cp < 0x20 || cp == 0x7F) sb.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
            else if (cp < 0x7F) sb.Append((char)cp);
            else if (IsPrintable(cp)) AppendCodePoint(sb, cp);
            else if (cp <= 0xFF) sb.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
            else if (cp <= 0xFFFF) sb.Append("\\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
        }
        sb.Append(quote);
    }

    /// <summary>Python's <c>str.upper()</c>/<c>lower()</c>, with the one full mapping templates meet (ß → SS); other
    /// multi-character mappings follow .NET's simple case mapping.</summary>
    public static string Upper(string s) => s.ToUpperInvariant().Replace("ß", "SS", StringComparison.Ordinal);

    public static string Lower(string s) => s.ToLowerInvariant();

    static bool IsCased(char c) => char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    /// <summary>Python's <c>str.title()</c>: a cased character after an uncased one starts a word.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        foreach (var c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = IsCased(c);
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.capitalize()</c>: first character upper, the rest lower.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Compares by code point, as Python orders strings (ordinal UTF-16 order differs above U+D7FF).</summary>
    public static int CompareCodePoints(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] == b[i]) continue;
            int ca = a[i], cb = b[i];
            // A surrogate (code point >= U+10000) sorts above every BMP character, U+E000..U+FFFF included.
            if (char.IsSurrogate(a[i]) != char.IsSurrogate(b[i]))
                return char.IsSurrogate(a[i]) ? (cb >= 0xE000 ? 1 : ca - cb) : (ca >= 0xE000 ? -1 : ca - cb);
            return ca - cb;
        }
        return a.Length - b.Length;
    }
}
