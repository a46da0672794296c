using Microsoft.EntityFrameworkCore;

namespace TuningService.Core.Persistence;

/// <summary>The embedded mode's database (SQLite file under the data directory).</summary>
public sealed class SqliteTuningDbContext(DbContextOptions<SqliteTuningDbContext> options) : TuningDbContext(options);
