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
        return CompletionLogProbs.Sum(_model.call(inputIds), labels).MoveToOuterDisposeScope();
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
        Tensor logits = _model.call(inputIds); // (2N, T, V)
        Tensor policy = CompletionLogProbs.Sum(logits, labels);
        Tensor counts = CompletionLogProbs.Count(labels);
        PreferenceLossResult result = PreferenceLoss.Compute(policy[..(int)pairs], policy[(int)pairs..],
            referenceLogProbs[..(int)pairs], referenceLogProbs[(int)pairs..], counts[..(int)pairs], counts[(int)pairs..], Options);
        return new BatchLoss(result.Loss, CausalLmLoss.CountCorrect(logits.detach(), labels), result.Sums());
    }
}
