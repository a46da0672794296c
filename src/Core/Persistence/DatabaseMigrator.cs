using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace TuningService.Core.Persistence;

/// <summary>
/// Applies migrations at start-up. On PostgreSQL several processes (API, workers) may start at once. EF Core 10
/// and Hangfire.PostgreSql each take a lock of their own (seen working without this one), but this session-level
/// advisory lock holds both steps together, so no process starts serving against a half-prepared database.
/// </summary>
public static class DatabaseMigrator
{
    // An arbitrary constant that identifies this application's start-up lock.
    const long AdvisoryLockKey = 0x54554E494E47; // "TUNING"

    public static async Task MigrateAsync(TuningDbContext db, Func<Task>? underSameLock, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(ct);
            // Write-ahead logging lets the API read while a training job writes its progress; in SQLite's default
            // rollback journal every write blocks all readers, which put the job list's latency in the hundreds of
            // milliseconds during training (bench/ApiLoadBench). The mode is stored in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            if (underSameLock is not null) await underSameLock();
            return;
        }

        // The lock is taken on the configured database, so it must exist before EF's migrate would create it.
        await PostgresStartupCheck.EnsureDatabaseAsync(db.Database.GetConnectionString()!, ct);
        await using var lockConnection = new NpgsqlConnection(db.Database.GetConnectionString());
        await lockConnection.OpenAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", lockConnection))
            await take.ExecuteNonQueryAsync(ct);
        try
        {
            await db.Database.MigrateAsync(ct);
            if (underSameLock is not null) await underSameLock();
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
