using TuningService.Core.Catalog;

namespace TuningService.Core.Evaluation;

/// <summary>
/// A shipped base model may carry held-out text in its folder (<see cref="FileName"/>, <c>{"text": ...}</c> lines):
/// general data in its own domain, measured before and after every fine-tuning of it, so that forgetting shows even
/// when a job names no retention files. The shipped babyllama-tinystories has 50 TinyStories-style stories.
/// </summary>
public static class DefaultRetentionSet
{
    public const string FileName = "heldout_stories.jsonl";

    /// <summary>The set of <paramref name="rootBaseModel"/> (the model a chain of fine-tunings started from), or null.</summary>
    public static EvaluationDataset? For(CatalogModel? rootBaseModel)
    {
        if (rootBaseModel is null) return null;
        var path = Path.Combine(rootBaseModel.Directory, FileName);
        return File.Exists(path) ? EvaluationDataReader.ReadText($"{rootBaseModel.Id}/{FileName}", path, "heldout_stories") : null;
    }
}
