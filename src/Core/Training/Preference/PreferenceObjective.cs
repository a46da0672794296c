using TorchSharp;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Training.Preference;

/// <summary>
/// Direct preference optimisation of a decoder-only model (TRL's DPOTrainer): each batch holds N pairs as 2N
/// right-padded rows, the preferred answers first, scored in one forward pass; the loss compares the policy's
/// summed completion log-probs with the reference's (<see cref="PreferenceLoss"/>).
/// </summary>
public sealed class PreferenceObjective : ITrainingObjective
{
    private readonly CausalLanguageModel _model;

    public PreferenceObjective(CausalLanguageModel model, PreferenceLossOptions options, PreferenceReference reference)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        Options = options;
        Reference = reference;
    }

    public PreferenceLossOptions Options { get; }

    public PreferenceReference Reference { get; }

    public nn.Module Model => _model;
    public int MaxInputLength => _model.MaxPositions;
    public bool LabelsAreShifted => true;
    public bool SupportsLossChunks => _model.SplitsOutputHead;

    private int _lossChunkPositions;

    public void UseLossChunks(int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        if (positions > 0 && !_model.SplitsOutputHead)
            throw new NotSupportedException($"{_model.GetType().Name} does not split its output head from its body, so its log-probs cannot be computed in chunks.");
        _lossChunkPositions = positions;
    }

    /// <summary>The rows [chosen…, rejected…] with the reference scored live; only for <see cref="PreferenceReference.AdaptersDisabled"/>.</summary>
    public (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels, Tensor? segmentIds = null)
    {
        if (segmentIds is not null)
            throw new NotSupportedException("Preference pairs are not packed: each answer is a row of its own.");
        BatchLoss result = ComputePairs(inputIds, labels, referenceLogProbs: null);
        result.PreferenceSums?.Dispose();
        return (result.Loss, result.Correct);
    }

    public BatchLoss ComputeBatch(PaddedBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.PairCount == 0 || batch.Rows != 2 * batch.PairCount)
            throw new ArgumentException("A preference batch holds 2N rows for N pairs.", nameof(batch));
        (Tensor ids, Tensor labels) = batch.ToTensors(device);
        Tensor? reference = batch.ReferenceLogProbs is { } values ? tensor(values, [values.Length], ScalarType.Float32, device) : null;
        return ComputePairs(ids, labels, reference);
    }

    /// <summary>
    /// The summed completion log-probs of each row [B] (no gradient), by the model as it is, or with its adapters
    /// off when <paramref name="asReference"/>: what precomputed references and evaluations score.
    /// </summary>
    public Tensor Score(Tensor inputIds, Tensor labels, bool asReference)
    {
        using var noGrad = no_grad();
        using var disabled = asReference && Reference == PreferenceReference.AdaptersDisabled ? AdaptersDisabled.In(_model) : null;
        using var scope = NewDisposeScope();
        Tensor sums = _lossChunkPositions > 0
            ? CompletionLogProbs.SumInChunks(_model.HiddenStates(inputIds, null), labels, _model.Logits, _lossChunkPositions).Sums
            : CompletionLogProbs.Sum(_model.call(inputIds), labels);
        return sums.MoveToOuterDisposeScope();
    }

    /// <summary>Each row's summed completion log-probs [B] and the correct completion tokens (int64 scalar), over the
    /// full logits or chunk by chunk (<see cref="UseLossChunks"/>).</summary>
    private (Tensor Sums, Tensor Correct) PolicyLogProbs(Tensor inputIds, Tensor labels)
    {
        if (_lossChunkPositions > 0)
            return CompletionLogProbs.SumInChunks(_model.HiddenStates(inputIds, null), labels, _model.Logits, _lossChunkPositions);
        Tensor logits = _model.call(inputIds); // (B, T, V)
        return (CompletionLogProbs.Sum(logits, labels), CausalLmLoss.CountCorrect(logits.detach(), labels));
    }

    private BatchLoss ComputePairs(Tensor inputIds, Tensor labels, Tensor? referenceLogProbs)
    {
        long rows = inputIds.shape[0];
        if (rows % 2 != 0)
            throw new ArgumentException("Preference rows come in pairs: N preferred answers, then N non-preferred ones.", nameof(inputIds));
        long pairs = rows / 2;
        if (referenceLogProbs is null)
        {
            if (Reference != PreferenceReference.AdaptersDisabled)
                throw new InvalidOperationException("This run's reference log-probs are precomputed; the batch carries none.");
            referenceLogProbs = Score(inputIds, labels, asReference: true);
        }
        // Right padding comes after every real token, so causal attention alone keeps real positions from seeing it.
        (Tensor policy, Tensor correct) = PolicyLogProbs(inputIds, labels); // (2N), ()
        Tensor counts = CompletionLogProbs.Count(labels);
        PreferenceLossResult result = PreferenceLoss.Compute(policy[..(int)pairs], policy[(int)pairs..],
            referenceLogProbs[..(int)pairs], referenceLogProbs[(int)pairs..], counts[..(int)pairs], counts[(int)pairs..], Options);
        return new BatchLoss(result.Loss, correct, result.Sums());
    }
}
