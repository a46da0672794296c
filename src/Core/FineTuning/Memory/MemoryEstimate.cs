namespace TuningService.Core.FineTuning.Memory;

/// <summary>
/// The estimated peak resident memory of a training worker: the larger of loading the model and a training step,
/// each as its named terms.
/// </summary>
public sealed record MemoryEstimate(IReadOnlyList<MemoryTerm> Training, IReadOnlyList<MemoryTerm> Loading)
{
    public long TrainingBytes => Training.Sum(t => t.Bytes);
    public long LoadingBytes => Loading.Sum(t => t.Bytes);
    public long PeakBytes => Math.Max(TrainingBytes, LoadingBytes);
    /// <summary>"training" or "loading": the phase whose peak is the larger.</summary>
    public string PeakPhase => TrainingBytes >= LoadingBytes ? "training" : "loading";
}
