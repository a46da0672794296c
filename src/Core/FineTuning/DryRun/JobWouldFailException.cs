namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// The dry run found what would make the job fail once a worker ran it (unreadable data, nothing to learn, packing
/// on an encoder-decoder model): the create itself accepts such a job, a dry run says so up front.
/// </summary>
/// <param name="param">The request field at fault, as the API names it.</param>
public sealed class JobWouldFailException(string message, string param) : Exception(message)
{
    public string Param { get; } = param;
}
