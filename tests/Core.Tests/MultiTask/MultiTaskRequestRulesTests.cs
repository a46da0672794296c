using TuningService.Core.MultiTask;

namespace TuningService.Core.Tests.MultiTask;

public class MultiTaskRequestRulesTests
{
    private static TaskRequestValues Task(string? name, double? weight = null, string? file = "file-1") => new(name, file, null, weight);

    [Fact]
    public void Valid_tasks_and_mixing_pass()
    {
        Assert.Null(MultiTaskRequestRules.CheckTasks([Task("qa"), Task("sum.v2-x_1", weight: 0.5), Task(new string('a', 64), weight: 3)]));
        Assert.Null(MultiTaskRequestRules.CheckMixing(null));
        Assert.Null(MultiTaskRequestRules.CheckMixing(new MixingRequestValues("proportional", Cap: 1000)));
        Assert.Null(MultiTaskRequestRules.CheckMixing(new MixingRequestValues("temperature", Cap: 1, Temperature: 2)));
        Assert.Null(MultiTaskRequestRules.CheckMixing(new MixingRequestValues(Cap: 5)));
    }

    public static TheoryData<TaskRequestValues[], string, string> BadTasks => new()
    {
        { [], "tasks", "tasks must list at least one task." },
        { [Task("qa"), Task(null)], "tasks[1].name", "tasks[1].name is required and must not be empty." },
        { [Task("")], "tasks[0].name", "tasks[0].name is required and must not be empty." },
        { [Task(new string('a', 65))], "tasks[0].name", "tasks[0].name must be at most 64 characters, got 65." },
        { [Task("q a")], "tasks[0].name", "tasks[0].name may contain only letters, digits, '_', '.' and '-', got \"q a\"." },
        { [Task("qä")], "tasks[0].name", "tasks[0].name may contain only letters, digits, '_', '.' and '-', got \"qä\"." },
        { [Task("..")], "tasks[0].name", "tasks[0].name must start with a letter or digit, got \"..\"." },
        { [Task("qa"), Task("sum"), Task("QA")], "tasks[2].name", "tasks[2].name \"QA\" repeats tasks[0].name; task names must be unique (ignoring case)." },
        { [Task("qa", file: null)], "tasks[0].training_file", "tasks[0].training_file is required." },
        { [Task("qa"), Task("sum", weight: 0)], "tasks[1].weight", "tasks[1].weight must be greater than 0, got 0." },
        { [Task("qa", weight: -1.5)], "tasks[0].weight", "tasks[0].weight must be greater than 0, got -1.5." },
        { [Task("qa", weight: double.NaN)], "tasks[0].weight", "tasks[0].weight must be greater than 0, got NaN." },
        { [new TaskRequestValues("qa", "file-1", " ")], "tasks[0].validation_file", "tasks[0].validation_file must not be empty; leave it out for no validation." },
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public void Bad_tasks_are_named_by_field(TaskRequestValues[] tasks, string param, string message)
    {
        Assert.Equal(new MultiTaskValidationError(param, message), MultiTaskRequestRules.CheckTasks(tasks));
    }

    [Theory]
    [InlineData("equal", null, null, "mixing.strategy", "mixing.strategy must be one of \"proportional\", \"temperature\", got \"equal\".")]
    [InlineData("Temperature", null, 2.0, "mixing.strategy", "mixing.strategy must be one of \"proportional\", \"temperature\", got \"Temperature\".")]
    [InlineData(null, 0.0, null, "mixing.cap", "mixing.cap must be an integer of at least 1, got 0.")]
    [InlineData(null, 2.5, null, "mixing.cap", "mixing.cap must be an integer of at least 1, got 2.5.")]
    [InlineData(null, 3e9, null, "mixing.cap", "mixing.cap must be an integer of at least 1, got 3000000000.")]
    [InlineData("temperature", null, 0.5, "mixing.temperature", "mixing.temperature must be a number of at least 1, got 0.5.")]
    [InlineData("temperature", null, null, "mixing.temperature", "mixing.temperature is required when mixing.strategy is \"temperature\".")]
    [InlineData("proportional", null, 2.0, "mixing.temperature", "mixing.temperature applies only when mixing.strategy is \"temperature\".")]
    [InlineData(null, null, 3.0, "mixing.temperature", "mixing.temperature applies only when mixing.strategy is \"temperature\".")]
    public void Bad_mixing_is_named_by_field(string? strategy, double? cap, double? temperature, string param, string message)
    {
        Assert.Equal(new MultiTaskValidationError(param, message), MultiTaskRequestRules.CheckMixing(new MixingRequestValues(strategy, cap, temperature)));
    }

    [Fact]
    public void Valid_mixing_becomes_options()
    {
        Assert.Equal(MixingOptions.Default, MultiTaskRequestRules.ToOptions(null));
        Assert.Equal(new MixingOptions(MixingStrategy.Proportional, 500), MultiTaskRequestRules.ToOptions(new MixingRequestValues(Cap: 500)));
        Assert.Equal(new MixingOptions(MixingStrategy.Temperature, null, 2.5), MultiTaskRequestRules.ToOptions(new MixingRequestValues("temperature", Temperature: 2.5)));
        Assert.Throws<ArgumentException>(() => MultiTaskRequestRules.ToOptions(new MixingRequestValues("temperature")));
    }
}
