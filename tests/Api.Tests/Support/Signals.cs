using System.Diagnostics;

namespace TuningService.Api.Tests.Support;

/// <summary>POSIX signals, sent with the system's kill(1) so the tests need no native interop.</summary>
internal static class Signals
{
    public const string Terminate = "TERM";
    public const string Stop = "STOP";
    public const string Continue = "CONT";

    public static void Send(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true, UseShellExecute = false,
        })!;
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -s {signal} {pid} failed ({kill.ExitCode}): {error}");
    }
}
