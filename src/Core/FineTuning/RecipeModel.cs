using TuningService.Core.Catalog;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>The model a job trains, as the recipe set it up: the weights (base or checkpoint), its tokenizer, objective and adapters.</summary>
public sealed record RecipeModel(CatalogModel BaseModel, LoadedModel Loaded, ITextTokenizer Tokenizer, TrainingSetup Setup, string Device) : IDisposable
{
    public void Dispose() => Loaded.Dispose();
}
