using TuningService.Core.Files;

namespace TuningService.Core.Tests.Datasets;

/// <summary>The real datasets the tests split and clean: the repository's samples and the T0 fixtures.</summary>
internal static class DatasetFiles
{
    public static string Sst2Train => Tests.Files.RepositoryFiles.Path("samples", "sst2-sentiment-train.jsonl");
    public static string MixedMultiTask => Tests.Files.RepositoryFiles.Path("samples", "multitask", "mixed-train.jsonl");

    public static IReadOnlyList<string> T0Files { get; } =
        ["glue_qqp_duplicate", "wiki_qa_Is_This_True_", "app_reviews_convert_to_star_rating", "common_gen_Given_concepts_type_1"];

    public static List<DatasetRecord> Read(string path) => [.. TrainingExampleReader.ReadRecords(path)];

    /// <summary>The T0 fixture files as one multi-task list: each record's task is its file's name (the files have no `task`).</summary>
    public static List<TrainingExample> T0MultiTask() =>
        [.. T0Files.SelectMany(name => Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "datasets", "t0", name + ".jsonl"))
            .Select(r => r.ToExample() with { Task = name }))];

    public static DatasetRecord PromptCompletion(long position, string prompt, string completion, string? task = null, string? id = null) =>
        new(position, FineTuneFormat.PromptCompletion, new Dictionary<string, string> { ["prompt"] = prompt, ["completion"] = completion }, null, id, task);

    public static DatasetRecord Chat(long position, params ChatMessage[] messages) =>
        new(position, FineTuneFormat.Chat, new Dictionary<string, string>(), messages);
}
