namespace TuningService.Core.FineTuning;

/// <summary>
/// The process's own shutdown signal (the host's ApplicationStopping), for <see cref="FineTuningJobRunner"/>.
/// Hangfire's job token is not enough: it fires on a shutdown and also when Hangfire aborts the job because its
/// state changed elsewhere — e.g. a worker frozen past its invisibility timeout wakes up and finishes the same
/// Hangfire job that another worker had picked up meanwhile. That abort says nothing about who holds the fine-tuning
/// job (the lease does), so it must not make the worker hand the job back as if it were shutting down.
/// </summary>
public sealed class WorkerShutdown(CancellationToken stopping)
{
    /// <summary>No process signal known: Hangfire's token alone is taken as the shutdown (the behaviour before).</summary>
    public static WorkerShutdown Unknown { get; } = new(CancellationToken.None);

    public CancellationToken Stopping { get; } = stopping;

    /// <summary>The token that means "this process is shutting down", given Hangfire's job token.</summary>
    public CancellationToken For(CancellationToken hangfireToken) => Stopping.CanBeCanceled ? Stopping : hangfireToken;
}
