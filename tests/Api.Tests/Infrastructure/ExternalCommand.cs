using System.Diagnostics;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>Runs a command to completion and fails with its output when it fails.</summary>
static class ExternalCommand
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Runs <paramref name="arguments"/>[0] with the rest as its arguments, as <paramref name="user"/> when given
    /// (through su: PostgreSQL refuses to run as root, so a root test run hands initdb and pg_ctl to 'postgres').
    /// </summary>
    public static void Run(string? user, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true };
        if (user is null)
        {
            startInfo.FileName = arguments[0];
            foreach (var argument in arguments.Skip(1)) startInfo.ArgumentList.Add(argument);
        }
        else
        {
            startInfo.FileName = "su";
            foreach (var argument in new[] { user, "-s", "/bin/sh", "-c", string.Join(' ', arguments.Select(Quote)) })
                startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' did not finish within {Timeout}.");
        }
        // A server started in the background must not hold our pipes open; pg_ctl redirects its output to the
        // log file, and the bounded wait keeps a mistake there from hanging the test run.
        Task.WaitAll([output, error], TimeSpan.FromSeconds(10));
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"'{string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{Completed(output)}{Completed(error)}");
    }

    static string Completed(Task<string> stream) => stream.IsCompletedSuccessfully ? stream.Result : "";

    /// <summary>Single-quotes one word for /bin/sh.</summary>
    static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
