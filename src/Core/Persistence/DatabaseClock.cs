using Microsoft.EntityFrameworkCore;

namespace TuningService.Core.Persistence;

/// <summary>
/// The database server's clock, in unix seconds. Leases are compared against it rather than against each
/// machine's own clock, so a worker whose clock runs a minute fast cannot take a job another worker still holds.
/// </summary>
public static class DatabaseClock
{
    public static async Task<long> NowAsync(TuningDbContext db, CancellationToken ct)
    {
        var sql = db.Database.IsNpgsql()
            // clock_timestamp(), not now(): now() is frozen at the start of the transaction.
            ? "SELECT CAST(floor(extract(epoch FROM clock_timestamp())) AS bigint) AS \"Value\""
            : "SELECT CAST(strftime('%s', 'now') AS INTEGER) AS \"Value\"";
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync(ct);
    }
}
