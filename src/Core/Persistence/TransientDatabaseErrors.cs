using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TuningService.Core.Persistence;

/// <summary>
/// Whether a database error is worth retrying: the server is restarting, away or busy, not a wrong query. EF
/// wraps provider errors (DbUpdateException, InvalidOperationException), so the whole chain is looked at.
/// </summary>
public static class TransientDatabaseErrors
{
    // SQLite's SQLITE_BUSY and SQLITE_LOCKED: another connection holds the write lock.
    const int SqliteBusy = 5;
    const int SqliteLocked = 6;

    public static bool IsTransient(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Npgsql marks connection failures, admin shutdowns (57P01: a restart), "starting up" (57P03),
                // resource shortages and serialization failures as transient.
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08003" or "08001" }:
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                case SocketException:
                case TimeoutException:
                case EndOfStreamException:
                    return true;
                // A broken connection surfaces as an IOException inside NpgsqlException without IsTransient at times.
                case IOException when error is NpgsqlException || e.InnerException is SocketException:
                    return true;
            }
        }
        return false;
    }
}
