using Microsoft.Extensions.Hosting;

namespace TuningService.Worker.Monitoring;

/// <summary>
/// The lifetime of a host nested in another (<see cref="WorkerMonitoringListener"/>): it neither waits for nor
/// handles Ctrl+C and SIGTERM; the outer host does and stops it.
/// </summary>
sealed class NoSignalsLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
