using System.Diagnostics;
using Npgsql;
using TuningService.Core.Configuration;

namespace TuningService.Core.Persistence;

/// <summary>
/// Before anything else touches PostgreSQL at start-up: the connection string parses, the server answers, and the
/// configured database exists (created here when it does not, as EF Core's own migrate would; DatabaseMigrator's
/// lock connection needs it first). What cannot be fixed here becomes a <see cref="StartupException"/> that names
/// the server and database, never the password.
/// </summary>
public static class PostgresStartupCheck
{
    const string SettingName = "ConnectionStrings:Postgres (environment ConnectionStrings__Postgres)";

    // A server that is not there should stop the process in seconds, not after Npgsql's 15 s connect timeout times
    // each attempt; a server still starting (compose, a restart) gets a few tries. At most about 3 × 5 s + 4 s.
    const int Attempts = 3;
    const int ConnectTimeoutSeconds = 5;
    static readonly TimeSpan[] PauseBeforeRetry = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>The connection string's settings, or a <see cref="StartupException"/> saying why it is not one.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql's messages name the keyword or position, not the value, so a password is not echoed.
            throw new StartupException($"{SettingName} is not a valid PostgreSQL connection string: {e.Message.TrimEnd('.')}. " +
                "Expected e.g. 'Host=db;Port=5432;Username=tuning;Password=...;Database=tuning'.", e);
        }
    }

    /// <summary>Waits (briefly) for the server, and creates the database if the server has none of that name.</summary>
    public static async Task EnsureDatabaseAsync(string connectionString, CancellationToken ct)
    {
        var target = Parse(connectionString);
        var probe = Quick(target, target.Database);
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await CreateDatabaseAsync(target, ct);
                return;
            }
            catch (NpgsqlException e) when (IsWorthRetrying(e) && attempt < Attempts)
            {
                await Task.Delay(PauseBeforeRetry[attempt - 1], ct);
            }
            catch (PostgresException e) when (!IsWorthRetrying(e))
            {
                throw new StartupException($"PostgreSQL at {Where(target)} refused the connection: {e.MessageText} ({e.SqlState}). " +
                    $"{Advice(e.SqlState)}", e);
            }
            catch (NpgsqlException e)
            {
                throw new StartupException($"Cannot reach PostgreSQL at {Where(target)}: {Messages(e)} " +
                    $"(tried {attempt} times over {clock.Elapsed.TotalSeconds:0} s). Start the server, or fix Host and Port in {SettingName}.", e);
            }
        }
    }

    static async Task CreateDatabaseAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var name = target.Database ?? target.Username ?? "";
        await using var connection = await OpenMaintenanceAsync(target, ct);
        // CREATE DATABASE takes no parameters; the name is quoted as an identifier instead.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process (an API and its workers start together) created it first; two concurrent CREATE
            // DATABASE can also collide on pg_database's unique index instead.
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new StartupException($"The database '{name}' does not exist on PostgreSQL at {target.Host}:{target.Port}, and user " +
                $"'{target.Username}' may not create it ({e.MessageText}). Create it (CREATE DATABASE \"{name}\" OWNER \"{target.Username}\") " +
                "or grant the user CREATEDB.", e);
        }
    }

    /// <summary>A connection to the server's maintenance database, as EF Core's database creator uses: postgres, else template1.</summary>
    static async Task<NpgsqlConnection> OpenMaintenanceAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        foreach (var maintenance in new[] { "postgres", "template1" })
        {
            var connection = new NpgsqlConnection(Quick(target, maintenance));
            try
            {
                await connection.OpenAsync(ct);
                return connection;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && maintenance == "postgres")
            {
                await connection.DisposeAsync();
            }
            catch (PostgresException e)
            {
                await connection.DisposeAsync();
                throw new StartupException($"The database '{target.Database}' does not exist on PostgreSQL at {target.Host}:{target.Port}, " +
                    $"and creating it failed: connecting to the '{maintenance}' database was refused: {e.MessageText} ({e.SqlState}). " +
                    "Create the database yourself, or let this user connect to 'postgres'.", e);
            }
        }
        throw new UnreachableException();
    }

    /// <summary>The same server and credentials, without pooling (a one-off check) and with a short connect timeout.</summary>
    static string Quick(NpgsqlConnectionStringBuilder target, string? database) =>
        new NpgsqlConnectionStringBuilder(target.ConnectionString)
        {
            Database = database,
            Pooling = false,
            Timeout = target.Timeout is > 0 and < ConnectTimeoutSeconds ? target.Timeout : ConnectTimeoutSeconds,
        }.ConnectionString;

    // Network failures and a server that is starting up or full may pass; a refusal (password, permissions) will not.
    static bool IsWorthRetrying(NpgsqlException e) => e is not PostgresException postgres
        || postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;

    static string Advice(string sqlState) => sqlState switch
    {
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
            $"Check Username and Password in {SettingName}, and the server's pg_hba.conf.",
        _ => $"Check {SettingName} and the server's settings.",
    };

    static string Where(NpgsqlConnectionStringBuilder target) =>
        $"{target.Host}:{target.Port} (database '{target.Database}'" +
        (string.IsNullOrEmpty(target.Username) ? ")" : $", user '{target.Username}')");

    /// <summary>The messages of an exception and its causes, each once: "Failed to connect to 127.0.0.1:1: Connection refused".</summary>
    static string Messages(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            var message = current.Message.Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal))) parts.Add(message);
        }
        return string.Join(": ", parts);
    }
}
