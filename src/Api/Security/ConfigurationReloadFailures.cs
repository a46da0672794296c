using Microsoft.Extensions.Configuration;

namespace TuningService.Api.Security;

/// <summary>
/// A configuration file that changed but could not be read (half written, a JSON error). At start-up such a file
/// still fails the start; on a reload the failure is kept here for <see cref="ActiveApiKeys"/>, which then keeps the
/// keys in force, rather than thrown where nothing would catch it. The file provider itself forgets the file's
/// values on such a reload, so they must not be taken as the new keys.
/// </summary>
public sealed class ConfigurationReloadFailures
{
    string? latest;
    volatile bool loaded;

    /// <summary>From now on a failed load is a reload: the files were all read once, at start-up.</summary>
    public void StartupLoadsDone() => loaded = true;

    public void Record(FileLoadExceptionContext context)
    {
        if (!loaded) return; // at start-up: thrown, and reported by StartupFailure
        context.Ignore = true;
        // The path and the parser's position only: the inner message may quote the file's text, which holds keys.
        var path = context.Provider.Source.Path;
        var cause = context.Exception;
        while (cause.InnerException is not null && cause is not System.Text.Json.JsonException) cause = cause.InnerException;
        var why = cause is System.Text.Json.JsonException json ? $"not valid JSON (line {json.LineNumber + 1})" : cause.GetType().Name;
        Interlocked.Exchange(ref latest, $"{path} could not be read: {why}");
    }

    /// <summary>The failure recorded since the last call, if any.</summary>
    public string? Take() => Interlocked.Exchange(ref latest, null);
}
