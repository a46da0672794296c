using TuningService.Core.Catalog;
using TuningService.Core.Configuration;

namespace TuningService.Api.Infrastructure;

/// <summary>Says at start-up how the service runs, and loudly when it runs without API keys.</summary>
public static class StartupBanner
{
    public static void Log(WebApplication app, TuningOptions options, bool embedded)
    {
        var logger = app.Logger;
        var paths = app.Services.GetRequiredService<DataPaths>();
        logger.LogInformation("Database: {Mode}. Data directory: {DataDir}. Worker in this process: {InProcess}.",
            embedded ? $"embedded SQLite ({paths.SqliteDatabase})" : "PostgreSQL", paths.Root, options.RunWorkerInProcess);
        var models = app.Services.GetRequiredService<ModelCatalog>().BaseModels();
        logger.LogInformation("Base models: {Models}", models.Count == 0 ? "(none found)" : string.Join(", ", models.Select(m => m.Id)));
        LogSecurityMode(logger, options);
        if (!options.RunWorkerInProcess && embedded)
            logger.LogWarning("Tuning:RunWorkerInProcess is false in embedded mode: no process will run jobs. Set ConnectionStrings:Postgres and start src/Worker, or enable the in-process worker.");
    }

    /// <summary>Which of the three modes the API runs in, in words an operator cannot miss; never a key.</summary>
    static void LogSecurityMode(ILogger logger, TuningOptions options)
    {
        var keysFile = options.ApiKeysFile is { Length: > 0 } file ? $" and {Path.GetFullPath(file)}" : "";
        if (options.ApiKeys.Count > 0)
        {
            logger.LogInformation("Security: API keys required ({Count} keys, for {Owners}); they are re-read when appsettings.json{KeysFile} change.",
                options.ApiKeys.Count, string.Join(", ", options.ApiKeys.Select(k => k.Owner).Distinct(StringComparer.Ordinal)), keysFile);
            if (options.AllowAnonymous)
                logger.LogWarning("Security: Tuning:AllowAnonymous=true has no effect: API keys are configured, and every caller needs one.");
        }
        else if (options.AllowAnonymous)
            logger.LogWarning("Security: NO API KEYS and Tuning:AllowAnonymous=true: ANYONE WHO CAN REACH THIS SERVICE, on any interface, is the admin '{Owner}'. " +
                "Configure keys (Tuning:ApiKeys) before exposing this port to a network.", Caller.LocalOwner);
        else
            logger.LogWarning("Security: no API keys (Tuning:ApiKeys): anonymous callers are the admin '{Owner}', served on loopback only. " +
                "The service will not start on another interface without keys or Tuning:AllowAnonymous=true.", Caller.LocalOwner);
    }
}
