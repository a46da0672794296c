using Microsoft.EntityFrameworkCore;
using TuningService.Core.Persistence;

namespace TuningService.Core.Tests.Persistence;

public sealed class SqliteJournalModeTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("journal-mode-").FullName;

    [Fact]
    public async Task The_embedded_database_uses_write_ahead_logging_so_readers_do_not_wait_for_the_trainer()
    {
        var options = new DbContextOptionsBuilder<SqliteTuningDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_folder, "tuning.db")};Pooling=False").Options;
        await using (var db = new SqliteTuningDbContext(options))
            await DatabaseMigrator.MigrateAsync(db, null, CancellationToken.None);

        // A new connection reads the mode from the file, so it outlives the migrating connection.
        await using var check = new SqliteTuningDbContext(options);
        var connection = check.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
