using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Embedded mode keeps Hangfire's queue in memory: unfinished model imports are handed to the worker again at
/// start-up, and resume from their partial files. (With PostgreSQL storage Hangfire's queue survives.)
/// </summary>
public sealed class PendingImportsRedispatcher(IServiceScopeFactory scopes, IModelImportDispatcher dispatcher, ILogger<PendingImportsRedispatcher> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var pending = await db.ModelImports
            .Where(i => i.Status != ModelImportStatus.Succeeded && i.Status != ModelImportStatus.Failed && i.Status != ModelImportStatus.Deleted)
            .OrderBy(i => i.CreatedAt).Select(i => i.Id).ToListAsync(cancellationToken);
        foreach (var id in pending)
        {
            dispatcher.Dispatch(id);
            logger.LogInformation("Re-dispatched model import {ImportId} after a restart", id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
