using TuningService.Core.Evaluation.Metrics;
using TuningService.Core.MultiTask;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Metrics of the model reading the reference: mean cross-entropy over the tokens training's loss sees (the
/// completion and EOS, plus the prompt with train_on_inputs; for plain text every text token, see
/// <see cref="PlainTextSequences"/>), its perplexity, and the share of those tokens the argmax predicts (OpenAI's
/// mean_token_accuracy). <see cref="Examples"/> counts sequences: a plain text longer than the context counts once
/// per window.
/// </summary>
public sealed record TeacherForcedMetrics(int Examples, long Tokens, double Loss, double Perplexity, double MeanTokenAccuracy)
{
    public static TeacherForcedMetrics From(TaskMetrics task) => Of(task.ExampleCount, task.PredictedTokenCount, task.Loss, task.TokenAccuracy);

    public static TeacherForcedMetrics From(PerTaskEvaluation all) => Of(all.ExampleCount, all.PredictedTokenCount, all.Loss, all.TokenAccuracy);

    static TeacherForcedMetrics Of(int examples, long tokens, double loss, double accuracy) =>
        new(examples, tokens, loss, tokens == 0 ? double.NaN : LanguageModelMetrics.Perplexity(loss * tokens, tokens), accuracy);
}
