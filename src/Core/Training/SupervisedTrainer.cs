using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// Full fine-tuning of a language model (decoder-only or encoder-decoder, see <see cref="ITrainingObjective"/>) on (prompt, completion) examples: AdamW, linear warmup/decay, global-norm
/// clipping, loss on completion tokens only, batches of similar-length examples unless
/// <see cref="TrainingOptions.LengthBucketing"/> is off. Each step runs in its own dispose scope; step results stay on the
/// device and are read back every <see cref="TrainingOptions.MetricsInterval"/> steps and at each epoch end.
/// </summary>
public sealed class SupervisedTrainer
{
    private readonly ITrainingObjective _objective;
    private readonly nn.Module _model;
    private readonly TrainingOptions _options;
    private readonly ITrainingObserver _observer;

    /// <summary>A decoder-only model trained on next-token prediction.</summary>
    public SupervisedTrainer(CausalLanguageModel model, TrainingOptions options, ITrainingObserver observer)
        : this(new CausalObjective(model), options, observer)
    {
    }

    public SupervisedTrainer(ITrainingObjective objective, TrainingOptions options, ITrainingObserver observer)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WeightDecay);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxGradNorm);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MetricsInterval, 1);
        _objective = objective;
        _model = objective.Model;
        _options = options;
        _observer = observer;
    }

    /// <summary>
    /// Trains in place and returns one summary per epoch. Throws <see cref="OperationCanceledException"/> at the
    /// first step boundary after <paramref name="cancellationToken"/> fires; the model then holds the weights of
    /// the last completed step.
    /// </summary>
    public IReadOnlyList<EpochSummary> Train(
        IReadOnlyList<TokenizedExample> trainExamples,
        IReadOnlyList<TokenizedExample>? validationExamples,
        int paddingId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainExamples);
        validationExamples ??= [];
        // A sequence whose only label sits at position 0 has nothing to predict; its loss would be 0/0 = NaN.
        List<TokenizedExample> train = trainExamples.Where(HasPredictableLabel).ToList();
        if (train.Count == 0)
        {
            throw new ArgumentException("No training example has a completion token to learn.", nameof(trainExamples));
        }
        if (train.Concat(validationExamples).Any(e => e.Length > _objective.MaxInputLength))
        {
            throw new ArgumentException($"An example is longer than the model's {_objective.MaxInputLength} positions.", nameof(trainExamples));
        }

        Seed(_options.Seed);
        Device device = torch.device(_options.Device);
        _model.to(device);
        _model.train();
        // After the move: moving a module replaces its parameter objects.
        List<Parameter> parameters = _model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = optim.AdamW(parameters, lr: _options.LearningRate, weight_decay: _options.WeightDecay);

        var batcher = new Batcher(_options.BatchSize, paddingId, _objective.LabelsAreShifted);
        int totalSteps = _options.Epochs * batcher.BatchCount(train.Count);
        var schedule = LearningRateSchedule.WithWarmupRatio(_options.LearningRate, totalSteps, _options.WarmupRatio, _options.Schedule);
        // Validation order does not change its token-weighted result, so it is sorted for the least padding.
        IReadOnlyList<PaddedBatch> validationBatches = _options.LengthBucketing
            ? batcher.LengthSortedBatches(validationExamples)
            : batcher.Batches(validationExamples);

        using var buffer = new StepMetricsBuffer();
        var summaries = new List<EpochSummary>();
        int step = 0;
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var epochSteps = new List<StepMetrics>();
            IReadOnlyList<PaddedBatch> batches = _options.LengthBucketing
                ? batcher.LengthGroupedBatches(train, _options.Seed, epoch)
                : batcher.ShuffledBatches(train, _options.Seed, epoch);
            foreach (PaddedBatch batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double learningRate = schedule.At(step);
                Tensor stats = TrainStep(batch, optimizer, parameters, learningRate, device);
                step++;
                buffer.Add(step, epoch, learningRate, batch, stats);
                if (buffer.Count >= _options.MetricsInterval)
                {
                    Report(buffer, epochSteps);
                }
            }
            Report(buffer, epochSteps);

            (double Loss, double Accuracy)? validation = validationBatches.Count == 0
                ? null
                : Evaluate(validationBatches, device, cancellationToken);
            var summary = new EpochSummary(
                epoch,
                step,
                epochSteps.Average(s => s.TrainLoss),
                epochSteps.Average(s => s.TrainMeanTokenAccuracy),
                validation?.Loss,
                validation?.Accuracy,
                PaddedBatch.PaddingShare(batches));
            summaries.Add(summary);
            _observer.OnEpochEnd(summary);
            buffer.RestartClock();
        }
        return summaries;
    }

    /// <summary>One optimizer step. Returns [loss, grad norm, correct tokens] (fp32, on the device), detached and
    /// moved out of the step's scope; everything else the step made is freed with the scope.</summary>
    private Tensor TrainStep(PaddedBatch batch, OptimizerHelper optimizer, List<Parameter> parameters, double learningRate, Device device)
    {
        using var scope = NewDisposeScope();
        foreach (ParamGroup group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }
        (Tensor ids, Tensor labels) = batch.ToTensors(device); // (B, T) and (B, T or target length)
        optimizer.zero_grad();
        (Tensor loss, Tensor correct) = _objective.Compute(ids, batch.MaskTensor(device), labels);
        loss.backward();
        Tensor gradNorm = GradientClipping.ClipByGlobalNorm(parameters, _options.MaxGradNorm);
        optimizer.step();
        return stack([loss.detach(), gradNorm, correct.to_type(ScalarType.Float32)]).MoveToOuterDisposeScope();
    }

    /// <summary>Token-weighted validation loss and accuracy, read back once at the end.</summary>
    private (double Loss, double Accuracy) Evaluate(IReadOnlyList<PaddedBatch> batches, Device device, CancellationToken cancellationToken)
    {
        _model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor lossSum = zeros(Array.Empty<long>(), ScalarType.Float32, device);
            Tensor correctSum = zeros(Array.Empty<long>(), ScalarType.Int64, device);
            long predicted = 0;
            foreach (PaddedBatch batch in batches.Where(b => b.PredictedTokenCount > 0))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var batchScope = NewDisposeScope();
                (Tensor ids, Tensor labels) = batch.ToTensors(device);
                (Tensor loss, Tensor correct) = _objective.Compute(ids, batch.MaskTensor(device), labels);
                // The batch loss is a mean over its tokens; weighting by the count makes the total a mean over all.
                lossSum.add_(loss * batch.PredictedTokenCount);
                correctSum.add_(correct);
                predicted += batch.PredictedTokenCount;
            }
            return predicted == 0
                ? (double.NaN, double.NaN)
                : (lossSum.item<float>() / predicted, (double)correctSum.item<long>() / predicted);
        }
        finally
        {
            _model.train();
        }
    }

    /// <summary>Reads pending step results (a host sync), hands them to the observer outside any tensor scope, and
    /// keeps the epoch's share for its summary.</summary>
    private void Report(StepMetricsBuffer buffer, List<StepMetrics> epochSteps)
    {
        IReadOnlyList<StepMetrics> steps = buffer.Read();
        if (steps.Count == 0)
        {
            return;
        }
        epochSteps.AddRange(steps);
        _observer.OnMetrics(steps);
        buffer.RestartClock();
    }

    private bool HasPredictableLabel(TokenizedExample example) =>
        example.Labels.Skip(_objective.LabelsAreShifted ? 1 : 0).Any(label => label != CausalLmLoss.IgnoreIndex);

    private static void Seed(int seed)
    {
        torch.manual_seed(seed);
        if (cuda.is_available())
        {
            cuda.manual_seed_all(seed);
        }
    }
}
