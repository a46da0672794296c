using TuningService.Core.Files;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Data a model is evaluated on, rendered to examples the way training renders its records. For
/// <see cref="EvaluationDataKind.Text"/> each example's completion is the text and its prompt is empty.
/// </summary>
/// <param name="Id">A file id, or the name of a built-in set.</param>
/// <param name="Name">What a reader recognises: the file name.</param>
/// <param name="Sha256">The bytes' hash, for the cache key of base-model results.</param>
/// <param name="DefaultTask">The task of examples without one (training's rule: named after the file).</param>
public sealed record EvaluationDataset(string Id, string Name, string Sha256, EvaluationDataKind Kind,
    IReadOnlyList<TrainingExample> Examples, string DefaultTask);
