namespace TuningService.Bench.FineTuneBench;

/// <summary>What one (model, mode) run measured; a child process prints it as one JSON line for the parent.</summary>
/// <param name="Precision">fp32 or bf16 (<c>TrainingPrecision</c>).</param>
/// <param name="TokensPerStep">Tokens a step computes: batch × sequence, plus batch × target for T5's decoder.</param>
/// <param name="StepSeconds">Wall time of each timed step.</param>
/// <param name="CpuSeconds">CPU time of the process (all threads) over the timed steps.</param>
/// <param name="LoadPeakMiB">VmHWM after loading the model (reading the checkpoint briefly holds it twice).</param>
/// <param name="BeforeTrainingMiB">VmRSS just before training (model loaded, adapters added, data made).</param>
/// <param name="TrainingPeakMiB">VmHWM at the end, the peak having been reset just before training.</param>
/// <param name="ExamplesPerStep">The batch size.</param>
/// <param name="Flops">The parameters counted for the model-FLOPs utilisation and the FLOPs of one example.</param>
public sealed record BenchResult(
    string Model,
    string Mode,
    string Precision,
    long TotalParameters,
    long TrainableParameters,
    int TokensPerStep,
    IReadOnlyList<double> StepSeconds,
    double CpuSeconds,
    double FirstLoss,
    double LastLoss,
    double LoadPeakMiB,
    double BeforeTrainingMiB,
    double TrainingPeakMiB,
    int Threads,
    int ExamplesPerStep,
    ModelFlops Flops)
{
    public const string LinePrefix = "RESULT ";

    /// <summary>
    /// The median step: on a machine shared with other work a few steps lose their cores for a while, and the
    /// median ignores them where a mean would not.
    /// </summary>
    public double MedianStepSeconds
    {
        get
        {
            var sorted = StepSeconds.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    /// <summary>The fastest step: the nearest to what the run would do with the machine to itself.</summary>
    public double BestStepSeconds => StepSeconds.Min();

    public double MedianTokensPerSecond => TokensPerStep / MedianStepSeconds;

    public double BestTokensPerSecond => TokensPerStep / BestStepSeconds;

    /// <summary>Model-FLOPs utilisation of the median step against the fp32 ceiling in GFLOP/s (0..1).</summary>
    public double Utilisation(double ceilingGflops) => Flops.Utilisation(ExamplesPerStep, MedianStepSeconds, ceilingGflops);

    /// <summary>CPU time over wall time of the timed steps: about the thread count when the run had its cores.</summary>
    public double CoresUsed => CpuSeconds / StepSeconds.Sum();
}
