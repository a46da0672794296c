using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.Checkpoints;
using TuningService.Core.Imports;
using TuningService.Core.Imports.Hub;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;
using TuningService.Worker.Webhooks;

namespace TuningService.Worker.Hosting;

/// <summary>The services the API and the worker share: options, database, artifact store, catalog, job and import runners, Hangfire storage.</summary>
public static class TuningServiceCollectionExtensions
{
    public static TuningOptions AddTuningServices(this IServiceCollection services, IConfiguration configuration)
    {
        var options = BindOptions(configuration);
        services.Configure<TuningOptions>(configuration.GetSection(TuningOptions.Section));
        services.AddSingleton(options);
        var paths = new DataPaths(options.DataDir);
        services.AddSingleton(paths);
        var postgres = configuration.GetConnectionString("Postgres");
        services.AddTuningPersistence(postgres, paths);
        // With Kind=s3 the data dir is a cache of the bucket (ArtifactMirror): machines share only PostgreSQL and the bucket.
        services.AddArtifactStore(BindStorageOptions(configuration), options.DataDir);
        services.AddSingleton(sp => new LocalArtifactCache(paths, options, sp.GetRequiredService<IArtifactStore>(),
            sp.GetRequiredService<ILogger<LocalArtifactCache>>()));
        services.AddSingleton(sp => new ArtifactMirror(sp.GetRequiredService<IArtifactStore>(), paths,
            sp.GetRequiredService<ILogger<ArtifactMirror>>(), sp.GetRequiredService<LocalArtifactCache>()));
        services.AddSingleton<ModelCatalog>();
        services.AddTransient<FineTuningJobRunner>();
        services.AddTransient<FineTuningRecipe>();
        services.AddSingleton<CheckpointStore>();
        // The runner's shutdown signal is the host's, not Hangfire's job token (which an abort fires too).
        services.AddSingleton(sp => sp.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>() is { } lifetime
            ? new WorkerShutdown(lifetime.ApplicationStopping) : WorkerShutdown.Unknown);
        services.AddTransient<JobReconciler>();
        services.AddTransient<ReconcileJobs>();
        services.AddSingleton(sp => new TokenizedDatasetCache(paths, sp.GetRequiredService<LocalArtifactCache>()));
        services.AddSingleton<IJobDispatcher, HangfireJobDispatcher>();
        services.AddSingleton<ModelSizes>();
        services.AddSingleton<ImportedModels>();
        services.AddSingleton<HubClient>();
        services.AddTransient<ModelImportRunner>();
        services.AddSingleton<IModelImportDispatcher, HangfireModelImportDispatcher>();
        services.AddWebhooks(configuration);

        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            // The runner records failures on the job itself; a retry only helps with transient infrastructure errors,
            // and the runner is safe to run again.
            RetryPolicy.ApplyOnce();
            if (string.IsNullOrWhiteSpace(postgres))
                config.UseInMemoryStorage(); // embedded mode: queued jobs are re-dispatched from the database at start-up
            else
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(postgres), new PostgreSqlStorageOptions
                {
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    // Sliding: a long training job keeps its fetch alive; a killed worker's job is picked up again after it lapses.
                    UseSlidingInvisibilityTimeout = true,
                    InvisibilityTimeout = TimeSpan.FromSeconds(Math.Max(5, options.JobInvisibilitySeconds)),
                    PrepareSchemaIfNecessary = true,
                });
        });
        return options;
    }

    /// <summary>The Tuning section, checked: a value that is not a number, or out of range, stops start-up by name.</summary>
    static TuningOptions BindOptions(IConfiguration configuration)
    {
        TuningOptions options;
        try
        {
            options = configuration.GetSection(TuningOptions.Section).Get<TuningOptions>() ?? new TuningOptions();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the type ("... at 'Tuning:WorkerCount' to type 'System.Int32'").
            throw new StartupException($"Invalid configuration: {e.Message} Fix it in appsettings.json or the environment (Tuning__...).", e);
        }
        TuningOptionsValidation.ThrowIfInvalid(options, ApiKeyEntries.Problems(configuration));
        return options;
    }

    /// <summary>The Tuning:Storage section; a value of the wrong type (ForcePathStyle=yes) stops start-up by name.</summary>
    static ArtifactStorageOptions BindStorageOptions(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(ArtifactStorageOptions.Section).Get<ArtifactStorageOptions>() ?? new ArtifactStorageOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException($"Invalid configuration: {e.Message} Fix it in appsettings.json or the environment (Tuning__Storage__...).", e);
        }
    }

    /// <summary>
    /// The Hangfire servers of this process: one trains fine-tuning jobs, a second one (one worker) runs model
    /// imports from their own queue, so a download is not stuck behind hours of training, and a third runs the
    /// reconciler (<see cref="ReconcileJobs"/>), which must not wait behind either.
    /// </summary>
    public static IServiceCollection AddTuningWorker(this IServiceCollection services, TuningOptions options, bool embeddedStorage)
    {
        // On SIGTERM a training job saves a checkpoint at its current step before the process exits: the host and
        // Hangfire wait that long (plus the time to hand the job back) instead of their 30 s and 15 s defaults.
        var shutdownGrace = TimeSpan.FromSeconds(Math.Max(5, options.ShutdownCheckpointSeconds) + 10);
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = shutdownGrace);
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = Math.Max(1, options.WorkerCount);
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            o.ShutdownTimeout = shutdownGrace;
        });
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = 1;
            o.Queues = [ReconcileJobs.Queue];
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:maintenance";
        });
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = 1;
            o.Queues = [HangfireModelImportDispatcher.Queue];
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:imports";
        });
        services.AddWebhookDelivery();
        if (embeddedStorage)
        {
            services.AddHostedService<PendingJobsRedispatcher>();
            services.AddHostedService<PendingImportsRedispatcher>();
        }
        return services;
    }
}
