using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Brings the databases up to date before the process serves anything: EF migrations and Hangfire's schema, under
/// one lock so that several processes starting together on an empty database do not race.
/// </summary>
public static class StartupDatabase
{
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        await DatabaseMigrator.MigrateAsync(db, () =>
        {
            _ = services.GetRequiredService<JobStorage>(); // creating the storage installs Hangfire's schema
            return Task.CompletedTask;
        }, ct);
    }
}
