using TorchSharp;
using TuningService.Core.Files;
using TuningService.Core.Models;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Core.Evaluation;

/// <summary>Scores preference pairs with a decoder-only model: both answers of a pair in one batch, summed log-probs
/// of the answer tokens (EOS included), as DPO training scores them.</summary>
public static class PreferenceScorer
{
    /// <summary>Null when the examples hold no pairs or the model is not decoder-only.</summary>
    public static PreferenceEvaluation? Evaluate(TrainingSetup setup, IReadOnlyList<TrainingExample> examples, int batchSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(examples);
        var pairs = examples.Where(e => e.Rejected is not null).ToList();
        if (pairs.Count == 0 || setup.Objective.Model is not CausalLanguageModel model) return null;
        var tokenized = PreferencePairs.Tokenize(setup.Examples, pairs.Select(e => (e.Prompt, e.Completion, e.Rejected!)));
        var device = model.parameters().First().device;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            int right = 0;
            double marginSum = 0;
            foreach (var batch in new Batcher(batchSize, setup.Examples.PaddingId).Batches(tokenized.Examples))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (ids, labels) = batch.ToTensors(device);
                var scores = CompletionLogProbs.Sum(model.call(ids), labels).cpu().data<float>().ToArray();
                for (int i = 0; i < batch.PairCount; i++)
                {
                    double margin = scores[i] - scores[batch.PairCount + i];
                    marginSum += margin;
                    if (margin > 0) right++;
                }
            }
            return new PreferenceEvaluation(pairs.Count, (double)right / pairs.Count, marginSum / pairs.Count);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
