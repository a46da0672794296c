using Hangfire;
using TuningService.Core.Imports;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Enqueues <see cref="ModelImportRunner.RunAsync"/> on a queue of its own, served by its own Hangfire server
/// (see <see cref="TuningServiceCollectionExtensions.AddTuningWorker"/>), so a download never waits behind training.
/// </summary>
public sealed class HangfireModelImportDispatcher(IBackgroundJobClient client) : IModelImportDispatcher
{
    public const string Queue = "model_imports";

    public void Dispatch(string importId) =>
        client.Enqueue<ModelImportRunner>(Queue, runner => runner.RunAsync(importId, CancellationToken.None));
}
