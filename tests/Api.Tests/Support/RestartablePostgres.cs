using Npgsql;
using TuningService.Api.Tests.Infrastructure;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A PostgreSQL server of one test's own, with one database, that the test may restart or stop and start again
/// (same port, same data) without disturbing the shared server other tests use. Deleted on dispose.
/// </summary>
sealed class RestartablePostgres : IDisposable
{
    readonly ThrowawayPostgres server;

    /// <summary>Connects to the test's database on this server.</summary>
    public string ConnectionString { get; }

    RestartablePostgres(ThrowawayPostgres server, string connectionString)
    {
        this.server = server;
        ConnectionString = connectionString;
    }

    public static RestartablePostgres Start()
    {
        var bin = ThrowawayPostgres.FindBinDirectory() ?? throw new InvalidOperationException(
            "The database-outage tests stop and restart a PostgreSQL server of their own, so they need the server " +
            "binaries (initdb, pg_ctl) even when ConnectionStrings__Postgres names a shared server: " +
            "'apt-get install postgresql' provides /usr/lib/postgresql/<version>/bin.");
        var server = ThrowawayPostgres.Start(bin);
        try
        {
            const string name = "tuning_outage";
            using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                connection.Open();
                using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                command.ExecuteNonQuery();
            }
            return new RestartablePostgres(server, new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>`pg_ctl restart -m fast`; returns once the server accepts connections again.</summary>
    public void Restart() => server.Restart();

    /// <summary>`pg_ctl stop -m fast`: connections are refused until <see cref="StartAgain"/>.</summary>
    public void Stop() => server.Stop();

    public void StartAgain() => server.StartAgain();

    public string Log => server.Log;

    public void Dispose()
    {
        // This process's pooled connections to the server would otherwise outlive it (and fail the next use).
        NpgsqlConnection.ClearAllPools();
        server.Dispose();
    }
}
