using System.Collections.Concurrent;
using Npgsql;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for integration tests: the server named by <c>ConnectionStrings__Postgres</c> when that is
/// set (CI sets it, see .ci/run), otherwise a throwaway server started from the local PostgreSQL binaries.
/// Each test takes its own database from <see cref="CreateDatabase"/>, so no test sees another's rows.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string ConnectionStringVariable = "ConnectionStrings__Postgres";

    readonly ThrowawayPostgres? throwaway;
    readonly ConcurrentBag<string> createdDatabases = [];

    /// <summary>Connects to the server's maintenance database; databases are created through it.</summary>
    public string AdminConnectionString { get; }

    public PostgresServer()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            AdminConnectionString = configured;
            EnsureReachable(configured);
            return;
        }
        var binDirectory = ThrowawayPostgres.FindBinDirectory() ?? throw new InvalidOperationException(
            "No PostgreSQL for the integration tests. Either set " + ConnectionStringVariable + " to a server on " +
            "which the tests may create databases (e.g. 'Host=127.0.0.1;Port=5432;Username=postgres;Password=...'), " +
            "or install the PostgreSQL server binaries so the tests can start a throwaway server " +
            "(Debian/Ubuntu: 'apt-get install postgresql', which provides /usr/lib/postgresql/<version>/bin/initdb; " +
            "elsewhere put initdb and pg_ctl on PATH). .ci/run shows the CI setup.");
        throwaway = ThrowawayPostgres.Start(binDirectory);
        AdminConnectionString = throwaway.ConnectionString;
    }

    /// <summary>Creates an empty, uniquely named database and returns a connection string for it.</summary>
    public string CreateDatabase()
    {
        var name = "tuning_test_" + Guid.NewGuid().ToString("N");
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            // The name is ours (a GUID), so quoting it is enough; CREATE DATABASE cannot take a parameter.
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        createdDatabases.Add(name);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public void Dispose()
    {
        // Pooled connections would keep the databases in use (and the throwaway server's backends alive).
        NpgsqlConnection.ClearAllPools();
        if (throwaway is not null)
        {
            throwaway.Dispose(); // its data directory, databases included, is deleted
            return;
        }
        // A configured server may be a developer's own: leave it as it was found.
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        foreach (var name in createdDatabases)
        {
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }
    }

    static void EnsureReachable(string connectionString)
    {
        NpgsqlConnectionStringBuilder target;
        try
        {
            target = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(
                $"{ConnectionStringVariable} is not a valid Npgsql connection string: {e.Message}", e);
        }
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
        }
        catch (NpgsqlException e)
        {
            // Names where it tried without echoing a password that may be in the connection string.
            throw new InvalidOperationException(
                $"{ConnectionStringVariable} is set, but PostgreSQL at {target.Host}:{target.Port} (user " +
                $"'{target.Username}', database '{target.Database}') is not usable: {e.Message}. Start that server, " +
                "fix the variable, or unset it to let the tests start a throwaway server.", e);
        }
    }
}
