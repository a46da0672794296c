namespace TuningService.Core.FineTuning;

/// <summary>Placeholder until the training engine is merged.</summary>
public sealed class FineTuningJobRunner
{
    public Task RunAsync(string jobId, CancellationToken cancellationToken) => Task.CompletedTask;
}
