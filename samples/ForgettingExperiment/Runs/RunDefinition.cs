using System.Text.Json.Nodes;

namespace TuningService.Samples.ForgettingExperiment.Runs;

/// <summary>
/// One of the three runs of a target task: its name in the report, what it does, and the job request it sends. Every
/// run gets the same task files, seed, epochs, batch size, test file and ICL shots; only what the name says differs.
/// </summary>
public sealed record RunDefinition(string Key, string Name, string Description, Func<TargetTask, ExperimentFiles, ExperimentOptions, JsonObject> Request)
{
    public const string BaseModel = "babyllama-tinystories";

    public static IReadOnlyList<RunDefinition> All { get; } =
    [
        new("full", "full fine-tuning", "every weight trained on the target task alone",
            (task, files, options) => Common(task, files, options, "full", Hyperparameters(options, "full"), training: files.Train)),
        new("mix", "multi-task mix (+ stories)", "every weight trained on the target task mixed with pseudo-rehearsal stories (a second task, `stories`)",
            (task, files, options) =>
            {
                var request = Common(task, files, options, "mix", Hyperparameters(options, "full"), training: null);
                request["tasks"] = new JsonArray(
                    new JsonObject { ["name"] = task.Key, ["training_file"] = files.Train, ["validation_file"] = files.Validation },
                    new JsonObject { ["name"] = "stories", ["training_file"] = files.Stories });
                // Proportional without a cap: every example of both files once per epoch, as if concatenated.
                request["mixing"] = new JsonObject { ["strategy"] = "proportional" };
                return request;
            }),
        new("lora", "LoRA", "LoRA adapters (the service's defaults: r 8, alpha 16, q_proj and v_proj) on the target task alone; the base weights frozen",
            (task, files, options) => Common(task, files, options, "lora", Hyperparameters(options, "lora"), training: files.Train)),
    ];

    private static JsonObject Common(TargetTask task, ExperimentFiles files, ExperimentOptions options, string suffix, JsonObject hyperparameters, string? training)
    {
        var request = new JsonObject
        {
            ["model"] = BaseModel,
            ["seed"] = options.Seed,
            ["suffix"] = $"{task.Key}-{suffix}",
            ["test_file"] = files.Test,
            ["method"] = new JsonObject
            {
                ["type"] = "supervised",
                ["supervised"] = new JsonObject { ["hyperparameters"] = hyperparameters },
            },
        };
        if (training is not null)
        {
            request["training_file"] = training;
            request["validation_file"] = files.Validation;
        }
        if (options.IclShots > 0) request["icl_shots"] = options.IclShots;
        return request;
    }

    // The learning rate stays "auto": the service resolves a rate per method (LoRA's adapters start at zero and take
    // larger steps), which is what a user of each method would get.
    private static JsonObject Hyperparameters(ExperimentOptions options, string trainingType) => new()
    {
        ["n_epochs"] = options.Epochs,
        ["batch_size"] = options.BatchSize,
        ["training_type"] = trainingType,
    };
}
