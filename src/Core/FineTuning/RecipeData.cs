using TuningService.Core.Persistence;
using TuningService.Core.Files;

namespace TuningService.Core.FineTuning;

/// <summary>A job's data as the recipe set it up: tokenized (and mixed), with the reader and cache key that evaluation reuses.</summary>
public sealed record RecipeData(JobTrainingData Data, Func<StoredFile, IReadOnlyList<TrainingExample>> Read, string CacheKey);
