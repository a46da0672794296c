using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;
using TuningService.Core.Tests.Models;

namespace TuningService.Core.Tests.FineTuning;

/// <summary>A migrated SQLite database in a temporary folder, with jobs to claim, as a worker sees it.</summary>
internal sealed class JobDatabaseFixture : IDisposable
{
    readonly TempFolder folder = new();

    public JobDatabaseFixture()
    {
        Services = new ServiceCollection().AddTuningPersistence(null, new DataPaths(folder.Path)).BuildServiceProvider();
        using var scope = Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TuningDbContext>().Database.Migrate();
    }

    public ServiceProvider Services { get; }

    public IServiceScopeFactory Scopes => Services.GetRequiredService<IServiceScopeFactory>();

    public DatabaseRetry Retry { get; } = new(TimeSpan.FromSeconds(5), NullLogger.Instance);

    public void AddJob(string id, string status = JobStatus.Queued)
    {
        Use(db =>
        {
            db.Jobs.Add(new FineTuningJob { Id = id, Owner = "o", Model = "m", TrainingFileId = "file-t", RequestedHyperparametersJson = "{}", Status = status });
            db.SaveChanges();
        });
    }

    public FineTuningJob Job(string id)
    {
        using var scope = Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TuningDbContext>().Jobs.AsNoTracking().Single(j => j.Id == id);
    }

    public void Use(Action<TuningDbContext> action)
    {
        using var scope = Services.CreateScope();
        action(scope.ServiceProvider.GetRequiredService<TuningDbContext>());
    }

    public JobLease Lease(string jobId, string owner, int seconds = 60) => new(Scopes, Retry, jobId, owner, TimeSpan.FromSeconds(seconds));

    public void Dispose()
    {
        Services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Dispose();
    }
}
