using System.Collections.Concurrent;
using System.Globalization;
using TorchSharp;
using TuningService.Core.Common;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// Measures how fast this server trains a model when no finished job says so: loads the model, runs a few real
/// optimizer steps (the job's training type, precision, packing and batch size) on examples of the data's median
/// length, and reads the trainer's own tokens/s for them, the first step left out as warm-up. The result is kept
/// in memory per model folder, training type, batch shape and device, so only the first dry run of a shape pays.
/// </summary>
public sealed class TrainingThroughputCalibrator
{
    /// <summary>Steps timed after the warm-up step: enough to smooth one slow step, few enough to answer quickly.</summary>
    const int TimedSteps = 3;

    readonly ConcurrentDictionary<string, double> measured = new(StringComparer.Ordinal);

    // One calibration at a time: two at once would share the device and each measure half the speed.
    readonly SemaphoreSlim gate = new(1, 1);

    /// <param name="examples">The job's training examples, tokenized for this model and limit.</param>
    public async Task<ThroughputMeasurement> MeasureAsync(string modelFolder, RequestedHyperparameters requested, int batchSize, double learningRate,
        int seed, string device, IReadOnlyList<TokenizedExample> examples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Nothing to calibrate on.", nameof(examples));
        var byLength = examples.OrderBy(e => e.Length).ToList();
        var medianLength = byLength[byLength.Count / 2].Length;
        // Lengths within a power of two train at about the same speed per token; bucketing keeps the cache useful.
        var lengthBucket = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, medianLength));
        var shape = string.Create(CultureInfo.InvariantCulture,
            $"{requested.TrainingType}{(requested.IsLora ? $"(r={requested.LoraR},targets={string.Join('+', requested.LoraTargetModules ?? [])})" : "")} " +
            $"precision={requested.Precision} packing={requested.Packing} batch_size={batchSize} length<={lengthBucket} device={device}");
        var key = Path.GetFullPath(modelFolder) + "|" + shape;
        if (measured.TryGetValue(key, out var known)) return new ThroughputMeasurement(known, true, shape);

        await gate.WaitAsync(ct);
        try
        {
            if (measured.TryGetValue(key, out known)) return new ThroughputMeasurement(known, true, shape);
            // Training is CPU/GPU bound: its own thread, as the job's.
            var rate = await ComputeThread.Run(() => Run(modelFolder, requested, batchSize, learningRate, seed, device, byLength, ct), ct);
            measured[key] = rate;
            return new ThroughputMeasurement(rate, false, shape);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Enough examples around the median length for 1 + <see cref="TimedSteps"/> steps: batches of similar lengths,
    /// as length bucketing trains them; packed, enough to fill each row of the model's context (repeated if the data
    /// is short of it).
    /// </summary>
    static List<TokenizedExample> Sample(IReadOnlyList<TokenizedExample> byLength, ITrainingObjective objective, bool packing, int batchSize)
    {
        // Only examples the trainer keeps: one with nothing to predict would be dropped and shrink the steps.
        var learnable = byLength.Where(e => e.Labels.Skip(objective.LabelsAreShifted ? 1 : 0).Any(l => l != CausalLmLoss.IgnoreIndex)).ToList();
        if (learnable.Count == 0) throw new ArgumentException("No training example has a completion token to learn.", nameof(byLength));
        var median = learnable[learnable.Count / 2];
        int perRow = packing ? Math.Max(1, objective.MaxInputLength / Math.Max(1, median.Length)) : 1;
        int needed = (1 + TimedSteps) * batchSize * perRow;
        int window = Math.Min(needed, learnable.Count);
        int start = Math.Clamp((learnable.Count / 2) - (window / 2), 0, learnable.Count - window);
        return [.. Enumerable.Range(0, needed).Select(i => learnable[start + (i % window)])];
    }

    static double Run(string modelFolder, RequestedHyperparameters requested, int batchSize, double learningRate, int seed, string device,
        IReadOnlyList<TokenizedExample> byLength, CancellationToken ct)
    {
        using var loaded = PretrainedModelLoader.Load(modelFolder, torch.device(device));
        var tokenizer = TokenizerLoader.FromModelFolder(modelFolder);
        var setup = JobTrainingConfiguration.Setup(loaded, tokenizer, requested, seed);
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = batchSize, LearningRate = learningRate, Seed = seed, Device = device,
            Precision = Enum.Parse<TrainingPrecision>(requested.Precision, ignoreCase: true), Packing = requested.Packing,
            MetricsInterval = 1, // every step read on its own, so the warm-up step can be left out
        };
        var recorder = new StepMetricsRecorder();
        var sample = Sample(byLength, setup.Objective, requested.Packing, batchSize);
        new SupervisedTrainer(setup.Objective, options, recorder).Train(sample, null, setup.Examples.PaddingId, ct);
        ct.ThrowIfCancellationRequested();
        var timed = recorder.Steps.Count > 1 ? recorder.Steps.Skip(1).ToList() : recorder.Steps;
        if (timed.Count == 0) throw new InvalidOperationException("The calibration run took no step.");
        // The median step: one step slowed by the rest of the machine does not skew the estimate.
        var rates = timed.Select(s => s.TokensPerSecond).Order().ToList();
        return rates[rates.Count / 2];
    }
}
