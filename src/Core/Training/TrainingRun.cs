using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Common;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// One call of <see cref="SupervisedTrainer.Train"/>: the step loop and what follows a step (metrics, evaluation,
/// epoch summary, early stopping, checkpoint). All progress lives in a <see cref="TrainerState"/>, so a run that
/// starts from a saved state carries on where the saving run was.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private readonly TrainingOptions _options;
    private readonly ITrainingObjective _objective;
    private readonly ITrainingObserver _observer;
    private readonly IReadOnlyList<TokenizedExample> _train;
    private readonly ValidationPass _validation;
    private readonly Batcher _batcher;
    private readonly SequencePacker? _packer;
    private readonly LearningRateSchedule _schedule;
    private readonly Device _device;
    private readonly bool _seedCuda = cuda.is_available();
    private readonly TrainableWeights _weights;
    private readonly ITrainingOptimizer _optimizer;
    private readonly OptimizerStep _step;
    private readonly StepMetricsBuffer _buffer = new();
    private readonly List<EpochSummary> _summaries = [];
    private TrainerState _state;
    private StepMetrics? _lastStep;
    private int _stepsThisCall;

    /// <param name="state">Where the run starts: a new run's start or a saved state.</param>
    public TrainingRun(ITrainingObjective objective, TrainingOptions options, ITrainingObserver observer, IReadOnlyList<TokenizedExample> train,
        IReadOnlyList<TokenizedExample> validation, int paddingId, TrainerState state)
    {
        _options = options;
        _objective = objective;
        _observer = observer;
        _train = train;
        _state = state;
        _device = torch.device(options.Device);
        _batcher = new Batcher(options.BatchSize, paddingId, objective.LabelsAreShifted);
        _packer = options.Packing ? new SequencePacker(objective.MaxInputLength, options.BatchSize, paddingId) : null;
        _schedule = LearningRateSchedule.WithWarmupRatio(options.LearningRate, TotalSteps(), options.WarmupRatio, options.Schedule);
        // Validation order does not change its token-weighted result, so it is sorted for the least padding.
        _validation = new ValidationPass(objective, _device,
            options.LengthBucketing ? _batcher.LengthSortedBatches(validation) : _batcher.Batches(validation));

        // Before the first tensor of the run: its large blocks are then reused from step to step (see NativeHeap).
        // The memory plan says whether memory allows it; a tight run maps each large block and gives it back when freed.
        if (options.KeepFreedMemory)
        {
            NativeHeap.KeepLargeBlocks();
        }
        else
        {
            NativeHeap.MapLargeBlocks();
        }
        objective.Model.to(_device);
        objective.Model.train();
        // Stepping in the backward pass hooks into the checkpointed blocks' backward, so it brings checkpointing with it.
        UseMemorySavers(options.GradientCheckpointing || options.OptimizerInBackward, options.LossChunkPositions);
        // After the move: moving a module replaces its parameter objects.
        _weights = new TrainableWeights(objective.Model, options.Precision, options.OptimizerInBackward);
        _optimizer = options.Optimizer == OptimizerKind.AdamW8bit
            ? new AdamW8bit(_weights.Optimized, options.WeightDecay)
            : new FusedAdamW(_weights.Optimized, options.LearningRate, options.WeightDecay);
        // SupervisedTrainer has checked that a run stepping in the backward pass has a model with the hooks.
        _step = new OptimizerStep(objective, _weights, _optimizer, options.MaxGradNorm, _device,
            options.OptimizerInBackward ? ((IBlockCheckpointedModel)objective.Model).Checkpointing : null);
    }

    /// <summary>Loads the optimizer state saved with the run's starting state (outside the constructor, so that a bad
    /// file still leaves the run disposable and the model back in fp32).</summary>
    public void LoadOptimizerState(string folder) => TrainingStateFiles.LoadOptimizer(folder, _optimizer, _device);

    public TrainingResult Run(CancellationToken cancellationToken)
    {
        for (; _state.Epoch <= _options.Epochs; _state = _state.StartEpoch(_state.Epoch + 1))
        {
            IReadOnlyList<PaddedBatch> batches = EpochBatches(_state.Epoch);
            if (_state.EvaluationPending && AfterStep(batches, cancellationToken) is { } stoppedAtResume)
            {
                return stoppedAtResume;
            }
            while (_state.BatchesDoneInEpoch < batches.Count)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return Cancelled();
                }
                List<PaddedBatch> group = batches.Skip(_state.BatchesDoneInEpoch).Take(_options.GradientAccumulationSteps).ToList();
                double learningRate = _schedule.At(_state.Step);
                ReseedGenerators(_state.Step);
                Tensor stats = _step.Take(group, learningRate);
                CollectAutogradFunctionNodes();
                _state = _state.AfterStep(group.Count);
                _stepsThisCall++;
                _buffer.Add(_state.Step, _state.Epoch, learningRate, group, stats);
                if (_buffer.Count >= _options.MetricsInterval)
                {
                    Report();
                }
                if (AfterStep(batches, cancellationToken) is { } stopped)
                {
                    return stopped;
                }
            }
        }
        return Result(TrainingStopReason.Completed, $"Completed {_options.Epochs} epoch(s) in {_state.Step} steps.");
    }

    /// <summary>
    /// After a step that went through custom autograd functions (checkpointed blocks, loss chunks): TorchSharp frees part of
    /// what such a function's graph node holds (its output placeholders) only from finalizers, so without a collection the
    /// native memory grew by hundreds of MiB per step on a 1.1B model (bench/MemoryBench: 4.9 → 5.7 GiB over two steps;
    /// flat at 4.8 GiB with this). A full collection costs milliseconds against steps of seconds.
    /// </summary>
    private void CollectAutogradFunctionNodes()
    {
        if (_options.GradientCheckpointing || _options.OptimizerInBackward || _options.LossChunkPositions > 0)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private IReadOnlyList<PaddedBatch> EpochBatches(int epoch) =>
        _packer is not null ? _packer.PackedBatches(_train, _options.Seed, epoch)
        : _options.LengthBucketing ? _batcher.LengthGroupedBatches(_train, _options.Seed, epoch)
        : _batcher.ShuffledBatches(_train, _options.Seed, epoch);

    private int TotalSteps() => PlannedSteps(_options, _train, _packer);

    /// <summary>Steps of the whole run, for the schedule. Packed epochs differ in row count, so each is counted.</summary>
    internal static int PlannedSteps(TrainingOptions options, IReadOnlyList<TokenizedExample> train, SequencePacker? packer)
    {
        if (packer is null)
        {
            return options.Epochs * options.StepsPerEpoch(train.Count);
        }
        int steps = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            int rows = packer.Rows(train, Batcher.ShuffledOrder(train.Count, options.Seed, epoch)).Count;
            steps += options.StepsPerEpochOfBatches((rows + options.BatchSize - 1) / options.BatchSize);
        }
        return steps;
    }

    /// <summary>
    /// Dropout draws from torch's global generators. Seeding them from (seed, step) before every step makes each
    /// step's random numbers independent of what ran before it (evaluations, earlier steps, another process), so a
    /// resumed run draws the same ones with no generator state saved; TorchSharp cannot read a CUDA generator's state.
    /// </summary>
    private void ReseedGenerators(int step)
    {
        long seed = ((long)_options.Seed << 32) | (uint)step;
        torch.manual_seed(seed);
        if (_seedCuda)
        {
            cuda.manual_seed_all(seed);
        }
    }

    /// <summary>
    /// The duties after a step: evaluation, epoch summary, early stopping and the checkpoint offer, each when due.
    /// Returns the result when the run stops here, else null.
    /// </summary>
    private TrainingResult? AfterStep(IReadOnlyList<PaddedBatch> batches, CancellationToken cancellationToken)
    {
        int step = _state.Step;
        bool epochEnd = _state.BatchesDoneInEpoch == batches.Count;
        bool final = epochEnd && _state.Epoch == _options.Epochs;
        bool interval = _options.CheckpointEverySteps > 0 && step % _options.CheckpointEverySteps == 0;
        bool evaluate = _validation.HasExamples && (epochEnd || (_options.EvalEverySteps > 0 && step % _options.EvalEverySteps == 0));
        if (!epochEnd && !interval && !evaluate)
        {
            return null;
        }
        // Metrics first: the observer sees the step before its evaluation, and a checkpoint's state counts it.
        Report();

        EvaluationResult? evaluation = null;
        if (evaluate)
        {
            _state = _state with { EvaluationPending = true };
            _observer.OnEvaluationStarting(step);
            if (_validation.Run(cancellationToken) is not { } measured)
            {
                return Cancelled();
            }
            _state = _state.WithEvaluation(measured.Loss, _options.EarlyStoppingThreshold) with { EvaluationPending = false };
            evaluation = new EvaluationResult(step, _state.Epoch, measured.Loss, measured.Accuracy, _state.BestStep == step,
                _state.EvaluationsWithoutImprovement, measured.Preference);
            _observer.OnEvaluation(evaluation);
        }

        EpochSummary? summary = null;
        if (epochEnd)
        {
            summary = new EpochSummary(_state.Epoch, step,
                _state.EpochTrainLossSum / _state.EpochStepsReported, _state.EpochTrainAccuracySum / _state.EpochStepsReported,
                evaluation?.Loss, evaluation?.MeanTokenAccuracy, PaddedBatch.PaddingShare(batches));
            _summaries.Add(summary);
            _observer.OnEpochEnd(summary);
        }

        bool earlyStop = evaluation is not null && _options.EarlyStoppingPatience > 0
            && _state.EvaluationsWithoutImprovement >= _options.EarlyStoppingPatience;
        CheckpointReason? reason = final || earlyStop ? CheckpointReason.Final
            : epochEnd ? CheckpointReason.EpochEnd
            : interval ? CheckpointReason.StepInterval
            : evaluation?.IsBest == true ? CheckpointReason.BestValidation
            : null;
        if (reason is CheckpointReason due)
        {
            OfferCheckpoint(due, evaluation, summary, earlyStop ? TrainingStopReason.EarlyStopping : final ? TrainingStopReason.Completed : null);
        }
        _buffer.RestartClock();
        return earlyStop ? Result(TrainingStopReason.EarlyStopping, EarlyStoppingDetail()) : null;
    }

    /// <summary>Reads pending step results (a host sync), adds them to the epoch's sums and hands them to the
    /// observer outside any tensor scope.</summary>
    private void Report()
    {
        IReadOnlyList<StepMetrics> steps = _buffer.Read();
        if (steps.Count == 0)
        {
            return;
        }
        _state = _state.WithReported(steps);
        _lastStep = steps[^1];
        _observer.OnMetrics(steps);
        _buffer.RestartClock();
    }

    /// <summary>Offers the state as it is now; the request can save it only while the observer holds it.</summary>
    private void OfferCheckpoint(CheckpointReason reason, EvaluationResult? evaluation, EpochSummary? summary, TrainingStopReason? stopReason)
    {
        TrainerState state = _state;
        bool open = true;
        var request = new CheckpointRequest(reason, state, _lastStep, evaluation, summary, stopReason, folder =>
        {
            if (!open)
            {
                throw new InvalidOperationException("The training state can only be saved during ITrainingObserver.OnCheckpoint.");
            }
            TrainingStateFiles.Save(folder, state, _optimizer);
        });
        try
        {
            _weights.WithMastersInModel(() => _observer.OnCheckpoint(request));
        }
        finally
        {
            open = false;
        }
    }

    private TrainingResult Cancelled()
    {
        Report();
        if (_stepsThisCall > 0)
        {
            OfferCheckpoint(CheckpointReason.Cancelled, null, null, TrainingStopReason.Cancelled);
        }
        return Result(TrainingStopReason.Cancelled, $"Cancelled after step {_state.Step}.");
    }

    private string EarlyStoppingDetail() => string.Create(CultureInfo.InvariantCulture,
        $"Stopped early after step {_state.Step}: the validation loss did not improve by more than {_options.EarlyStoppingThreshold:G4} " +
        $"in {_state.EvaluationsWithoutImprovement} evaluation(s) in a row; the best was {_state.BestValidationLoss:F4} after step {_state.BestStep}.");

    private TrainingResult Result(TrainingStopReason reason, string detail) =>
        new(_summaries, reason, detail, _state.Step, _state.BestValidationLoss, _state.BestStep);

    /// <summary>Checkpointing and the chunked loss hold for this run only: evaluation and generation after it run
    /// the model as it was (neither changes a result, only what a training step keeps in memory).</summary>
    private void UseMemorySavers(bool gradientCheckpointing, int lossChunkPositions)
    {
        if (_objective.Model is IBlockCheckpointedModel checkpointed)
        {
            checkpointed.Checkpointing.Enabled = gradientCheckpointing;
        }
        if (_objective.SupportsLossChunks)
        {
            _objective.UseLossChunks(lossChunkPositions);
        }
    }

    public void Dispose()
    {
        UseMemorySavers(gradientCheckpointing: false, lossChunkPositions: 0);
        _buffer.Dispose();
        _optimizer.Dispose();
        _weights.Dispose();
        NativeHeap.ReleaseFreeMemory();
    }
}
