using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Configuration;

namespace TuningService.Core.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>PostgreSQL when a connection string is given, else SQLite under the data directory.</summary>
    /// <remarks>
    /// Pooled contexts: the contexts hold no state of their own, and a context that is created and initialised per
    /// request (options built, its internal services resolved, the model looked up) was the largest single cost of a
    /// GET on a job — about a fifth of the API's CPU per request under bench/ApiLoadBench. A pooled one is reset
    /// (change tracker cleared) and handed to the next scope.
    /// </remarks>
    public static IServiceCollection AddTuningPersistence(this IServiceCollection services, string? postgresConnectionString, DataPaths paths)
    {
        if (!string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            // Npgsql would parse it on first use, deep inside a migration; a typo is reported here, by name.
            PostgresStartupCheck.Parse(postgresConnectionString);
            // Retry on transient errors: after a server restart every pooled connection is broken, and without this
            // the first request on each would fail. Fenced job writes run their transaction inside the strategy
            // (JobDatabase); longer outages are DatabaseRetry's business.
            services.AddDbContextPool<PostgresTuningDbContext>(o => o
                .UseNpgsql(WithTransactionIdleLimit(postgresConnectionString),
                    npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 4, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null))
                .AddInterceptors(new ClearPoolWhenServerRestarts()));
            services.AddScoped<TuningDbContext>(sp => sp.GetRequiredService<PostgresTuningDbContext>());
        }
        else
        {
#pragma warning disable EF1001 // EF Core's internal connection service, replaced on purpose: see SqliteConnectionWithoutEfFunctions
            services.AddDbContextPool<SqliteTuningDbContext>(o => o.UseSqlite($"Data Source={paths.SqliteDatabase}")
                .ReplaceService<ISqliteRelationalConnection, SqliteConnectionWithoutEfFunctions>());
#pragma warning restore EF1001
            services.AddScoped<TuningDbContext>(sp => sp.GetRequiredService<SqliteTuningDbContext>());
        }
        return services;
    }

    /// <summary>
    /// A worker's fenced writes lock the job's row for the length of a short transaction. A worker process frozen
    /// inside one (SIGSTOP, a stalled VM) would hold that lock and so block the job's takeover or a cancel; the
    /// server ends such a session after this long idle in a transaction, rolling its write back.
    /// </summary>
    static string WithTransactionIdleLimit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal) == true) return connectionString;
        builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout=30000".Trim();
        return builder.ConnectionString;
    }
}
