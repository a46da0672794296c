using TuningService.Core.Catalog;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;

namespace TuningService.Core.FineTuning;

/// <summary>The model a job trains, as the recipe set it up: the weights (base or checkpoint), its tokenizer, objective and adapters.</summary>
public sealed record RecipeModel(CatalogModel BaseModel, LoadedModel Loaded, ITextTokenizer Tokenizer, TrainingSetup Setup, string Device) : IDisposable
{
    /// <summary>
    /// The setup evaluation uses (teacher-forced loss, generation): the training setup, except for a DPO job, whose
    /// model is then evaluated with next-token prediction on single sequences as a supervised job's is.
    /// </summary>
    public TrainingSetup EvaluationSetup => Setup.Objective is PreferenceObjective preference
        ? Setup with { Objective = new CausalObjective((CausalLanguageModel)preference.Model) }
        : Setup;

    public void Dispose() => Loaded.Dispose();
}
