using Microsoft.Extensions.Hosting;
using TuningService.Core.Configuration;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Runs a process's start-up (configuration, database, until the host has started) so that a failure ends the
/// process with one line (per problem) on standard error and a non-zero exit code, instead of an unhandled exception's stack
/// trace: the people who see it run the service, and need what failed and what to do, not where in the code.
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>The started host, or null once the failure has been reported (exit with <see cref="ExitCode"/>).</summary>
    public static async Task<T?> GuardAsync<T>(string processName, Func<Task<T>> start) where T : class
    {
        try
        {
            return await start();
        }
        catch (HostAbortedException)
        {
            // Not a failure: EF Core's design-time tools stop the host this way once it is built.
            throw;
        }
        catch (Exception e)
        {
            // Written straight to stderr: the host's console logger writes from a queue, and the process exits next.
            // One line per problem, each whole on its own, so a log search for a setting finds the line that names it.
            foreach (var line in Describe(e).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Console.Error.WriteLine($"fail: {processName} could not start: {line}");
            return null;
        }
    }

    /// <summary>A <see cref="StartupException"/> says it all; anything else is named by its type and its causes' messages.</summary>
    static string Describe(Exception e)
    {
        if (e is StartupException) return e.Message;
        var parts = new List<string> { $"{e.GetType().Name}: {e.Message.Trim()}" };
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            parts.Add(inner.Message.Trim());
        return string.Join(" ← ", parts.Distinct()).ReplaceLineEndings(" ");
    }
}
