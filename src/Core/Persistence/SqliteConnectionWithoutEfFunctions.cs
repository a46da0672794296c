using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace TuningService.Core.Persistence;

/// <summary>
/// EF Core's SQLite connection without the seven .NET functions it adds to every connection (regexp and ef_add,
/// ef_divide, ef_compare, ef_mod, ef_multiply, ef_negate, which emulate decimal arithmetic and Regex.IsMatch).
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite registers a connection's functions again on every Open (the pooled native connection it gets
/// may be another one), and SQLitePCL.raw leaves each replaced registration (a GCHandle in a SafeHandle) to the
/// finalizer. With EF opening a connection per query that was 7 finalizable objects per request, and under
/// bench/ApiLoadBench they were over 90% of what each gen-0 collection of the API had to promote (13,000 per collection,
/// 5-9 ms pauses instead of well under one), plus 10-25 µs of CPU per open. No query of this application uses decimal
/// arithmetic or Regex.IsMatch (the model has no decimal property); a query that did would fail with "no such
/// function", which the tests would show.
/// SqliteRelationalConnection is EF Core's internal API (EF1001): an EF upgrade that changes it breaks this build,
/// not the running service.
/// </remarks>
#pragma warning disable EF1001 // internal EF Core API, see above
public sealed class SqliteConnectionWithoutEfFunctions(
    RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}
#pragma warning restore EF1001
