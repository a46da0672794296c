using System.Diagnostics;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// Holds the device-side results of recent steps until they are read back together: one host sync per group
/// of steps instead of one per step.
/// </summary>
internal sealed class StepMetricsBuffer : IDisposable
{
    private readonly record struct PendingStep(int Step, int Epoch, double LearningRate, int RealTokens, int PredictedTokens, int Pairs, Tensor Stats);

    private readonly List<PendingStep> _pending = [];
    private readonly Stopwatch _sinceLastRead = Stopwatch.StartNew();

    public int Count => _pending.Count;

    /// <param name="batches">The batches the step trained on (several with gradient accumulation).</param>
    /// <param name="stats">[loss, grad norm, correct tokens], then for preference steps the DPO metrics' sums, as an
    /// fp32 vector that outlives its step's scope (see <see cref="OptimizerStep.Take"/>); the buffer takes ownership.</param>
    public void Add(int step, int epoch, double learningRate, IReadOnlyCollection<PaddedBatch> batches, Tensor stats) =>
        _pending.Add(new PendingStep(step, epoch, learningRate, batches.Sum(b => b.RealTokenCount), batches.Sum(b => b.PredictedTokenCount),
            batches.Sum(b => b.PairCount), stats));

    /// <summary>Reads the pending steps back to the host (waits for the device) and empties the buffer.</summary>
    public IReadOnlyList<StepMetrics> Read()
    {
        if (_pending.Count == 0)
        {
            return [];
        }
        float[] values;
        using (var scope = NewDisposeScope())
        {
            values = stack(_pending.Select(p => p.Stats)).cpu().data<float>().ToArray(); // (steps, width), the sync point
        }
        int width = values.Length / _pending.Count; // every step of a run has the same objective
        double seconds = Math.Max(_sinceLastRead.Elapsed.TotalSeconds, 1e-9);
        double tokensPerSecond = _pending.Sum(p => p.RealTokens) / seconds;

        var metrics = new List<StepMetrics>(_pending.Count);
        for (int i = 0; i < _pending.Count; i++)
        {
            PendingStep p = _pending[i];
            double loss = values[width * i], gradNorm = values[(width * i) + 1], correct = values[(width * i) + 2];
            PreferenceMetrics? preference = p.Pairs > 0
                ? PreferenceMetrics.FromSums(values.AsSpan((width * i) + 3, PreferenceMetrics.SumCount), p.Pairs)
                : null;
            metrics.Add(new StepMetrics(p.Step, p.Epoch, loss, correct / p.PredictedTokens, p.LearningRate, gradNorm, tokensPerSecond, preference));
        }
        Dispose();
        return metrics;
    }

    /// <summary>Restarts the throughput clock, e.g. after the observer's I/O, which is not training time.</summary>
    public void RestartClock() => _sinceLastRead.Restart();

    public void Dispose()
    {
        foreach (PendingStep p in _pending)
        {
            p.Stats.Dispose();
        }
        _pending.Clear();
    }
}
