using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TuningService.Core.Persistence;

// Used only by `dotnet ef migrations add` to build each provider's model; the connection strings are never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTuningDbContext>
{
    public SqliteTuningDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTuningDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTuningDbContext>
{
    public PostgresTuningDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTuningDbContext>().UseNpgsql("Host=localhost").Options);
}
