using System.Globalization;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// <c>datetime.now().strftime(format)</c> as transformers' <c>strftime_now</c> calls it, in the C locale
/// (<c>%d %b %Y</c> → <c>26 Jul 2026</c>), including glibc's <c>%-d</c> (no padding). The time is naive, so
/// <c>%z</c> and <c>%Z</c> are empty, as in Python.
/// </summary>
internal static class PythonStrftime
{
    static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateTime t, string format)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            var c = format[++i];
            var noPad = false;
            if (c == '-' && i + 1 < format.Length) { noPad = true; c = format[++i]; }
            string Num(int value, int width) =>
                noPad ? value.ToString(CultureInfo.InvariantCulture) : value.ToString(new string('0', width), CultureInfo.InvariantCulture);
            var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
            sb.Append(c switch
            {
                'a' => Days[(int)t.DayOfWeek][..3],
                'A' => Days[(int)t.DayOfWeek],
                'b' or 'h' => Months[t.Month - 1][..3],
                'B' => Months[t.Month - 1],
                'c' => $"{Days[(int)t.DayOfWeek][..3]} {Months[t.Month - 1][..3]} {t.Day,2} {t:HH:mm:ss} {t.Year}",
                'C' => Num(t.Year / 100, 2),
                'd' => Num(t.Day, 2),
                'D' => t.ToString("MM/dd/yy", CultureInfo.InvariantCulture),
                'e' => noPad ? t.Day.ToString(CultureInfo.InvariantCulture) : t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'F' => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'H' => Num(t.Hour, 2),
                'I' => Num(hour12, 2),
                'j' => Num(t.DayOfYear, 3),
                'k' => t.Hour.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'l' => hour12.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'm' => Num(t.Month, 2),
                'M' => Num(t.Minute, 2),
                'n' => "\n",
                'p' => t.Hour < 12 ? "AM" : "PM",
                'r' => $"{hour12:00}:{t:mm:ss} {(t.Hour < 12 ? "AM" : "PM")}",
                'R' => t.ToString("HH:mm", CultureInfo.InvariantCulture),
                'S' => Num(t.Second, 2),
                't' => "\t",
                'T' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'w' => ((int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'x' => t.ToString("MM/dd/yy", CultureInfo.InvariantCulture),
                'X' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'y' => Num(t.Year % 100, 2),
                'Y' => t.Year.ToString(CultureInfo.InvariantCulture),
                'z' or 'Z' => "",
                '%' => "%",
                _ => "%" + (noPad ? "-" : "") + c,
            });
        }
        return sb.ToString();
    }
}
