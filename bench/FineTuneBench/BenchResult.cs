namespace TuningService.Bench.FineTuneBench;

/// <summary>What one (model, mode) run measured; a child process prints it as one JSON line for the parent.</summary>
/// <param name="TokensPerStep">Tokens a step computes: batch × sequence, plus batch × target for T5's decoder.</param>
/// <param name="LoadPeakMiB">VmHWM after loading the model (reading the checkpoint briefly holds it twice).</param>
/// <param name="BeforeTrainingMiB">VmRSS just before training (model loaded, adapters added, data made).</param>
/// <param name="TrainingPeakMiB">VmHWM at the end, the peak having been reset just before training.</param>
public sealed record BenchResult(
    string Model,
    string Mode,
    long TotalParameters,
    long TrainableParameters,
    int TokensPerStep,
    int Steps,
    double Seconds,
    double FirstLoss,
    double LastLoss,
    double LoadPeakMiB,
    double BeforeTrainingMiB,
    double TrainingPeakMiB,
    int Threads)
{
    public const string LinePrefix = "RESULT ";

    public double SecondsPerStep => Seconds / Steps;

    public double TokensPerSecond => TokensPerStep * Steps / Seconds;
}
