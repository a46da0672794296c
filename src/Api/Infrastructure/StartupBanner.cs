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
        if (options.ApiKeys.All(k => string.IsNullOrEmpty(k.Key)))
            logger.LogWarning("NO API KEYS CONFIGURED (Tuning:ApiKeys): the API is OPEN to anyone who can reach it, as the single local user '{Owner}'. Configure keys before exposing this port.", Caller.LocalOwner);
        if (!options.RunWorkerInProcess && embedded)
            logger.LogWarning("Tuning:RunWorkerInProcess is false in embedded mode: no process will run jobs. Set ConnectionStrings:Postgres and start src/Worker, or enable the in-process worker.");
    }
}
