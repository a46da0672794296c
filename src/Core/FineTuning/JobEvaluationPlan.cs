using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.MultiTask;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// What a job evaluates: its test data (base, ICL baseline and fine-tuned model), its retention sets (before and
/// after, and at each checkpoint) and its validation data (at each checkpoint), with everything the cache key needs.
/// </summary>
/// <param name="BaseModel">The base model's id.</param>
/// <param name="Framing">What the tokens depend on besides the data (see <see cref="EvaluationCacheKey"/>).</param>
/// <param name="IclPool">Training examples the ICL baseline draws its shots from; empty when it does not run.</param>
/// <param name="IclFingerprint">Shots, seed and the training files' hashes, for the ICL row's cache key.</param>
/// <param name="Validation">The tokenized validation data by task, as training validates on it.</param>
/// <param name="Notes">What will be evaluated, for the job's events.</param>
public sealed record JobEvaluationPlan(
    string BaseModel, string Framing, EvaluationSettings Settings, EvaluationDataset? Test, IReadOnlyList<EvaluationDataset> Retention,
    IReadOnlyList<TrainingExample> IclPool, int IclShots, int Seed, string IclFingerprint,
    IReadOnlyList<TaskExamples<TokenizedExample>> Validation, IReadOnlyList<string> Notes)
{
    /// <summary>The datasets evaluated before and after training, with their roles.</summary>
    public IEnumerable<(string Role, EvaluationDataset Dataset)> BeforeAndAfter =>
        (Test is null ? [] : new[] { (EvaluationRoles.Test, Test) }).Concat(Retention.Select(r => (EvaluationRoles.Retention, r)));

    /// <summary>The ICL baseline needs prompts to put shots before: instruction test data, and training examples to draw.</summary>
    public bool RunsIcl => Test is { Kind: EvaluationDataKind.Instruction } && IclShots > 0 && IclPool.Count > 0;
}
