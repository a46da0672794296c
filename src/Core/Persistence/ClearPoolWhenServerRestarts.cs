using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace TuningService.Core.Persistence;

/// <summary>
/// After a PostgreSQL restart or outage every idle pooled connection is dead, and Npgsql finds that out one
/// connection at a time — each on a request that then fails, more of them than EF's retries. When a command fails
/// because the server went away, the whole pool is cleared, so the retry (and every later request) opens a fresh
/// connection.
/// </summary>
public sealed class ClearPoolWhenServerRestarts : DbCommandInterceptor
{
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        Clear(command, eventData.Exception);
        base.CommandFailed(command, eventData);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Clear(command, eventData.Exception);
        return base.CommandFailedAsync(command, eventData, cancellationToken);
    }

    static void Clear(DbCommand command, Exception error)
    {
        if (command.Connection is NpgsqlConnection connection && TransientDatabaseErrors.IsTransient(error))
            NpgsqlConnection.ClearPool(connection);
    }
}
