namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// How long the job's optimizer steps should take on this server: the tokens it will train on divided by a
/// measured throughput. Not included: loading the model, tokenizing, evaluations, checkpoints and test-set runs.
/// </summary>
/// <param name="Source"><see cref="FinishedJobs"/> or <see cref="Calibration"/>.</param>
/// <param name="TokensPerSecond">The throughput used, in the trainer's own measure: real (unpadded) input tokens per second
/// (plus target tokens for an encoder-decoder model), as jobs report tokens_per_second.</param>
/// <param name="Detail">Where the throughput came from, for people.</param>
public sealed record DurationEstimate(double Seconds, double TokensPerSecond, string Source, string Detail)
{
    /// <summary>The median tokens/s of finished jobs on the same base model, training type and device.</summary>
    public const string FinishedJobs = "finished_jobs";

    /// <summary>A few real training steps of the model on a representative batch, timed (cached per model and batch shape).</summary>
    public const string Calibration = "calibration";
}
