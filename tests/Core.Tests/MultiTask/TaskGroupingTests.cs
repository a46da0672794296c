using TuningService.Core.Files;
using TuningService.Core.MultiTask;

namespace TuningService.Core.Tests.MultiTask;

public class TaskGroupingTests
{
    [Fact]
    public void Records_group_by_task_in_order_of_first_appearance_and_untagged_ones_go_to_the_default_task()
    {
        TrainingExample[] examples =
        [
            new("p1", "c1", "qa"), new("p2", "c2"), new("p3", "c3", "sum"), new("p4", "c4", "qa"),
            new("p5", "c5", ""), new("p6", "c6", "  "),
        ];

        IReadOnlyList<TaskExamples<TrainingExample>> tasks = TaskGrouping.ByTask(examples, TaskGrouping.DefaultTaskName("mix.jsonl"));

        Assert.Equal(["qa", "mix", "sum"], tasks.Select(t => t.Name));
        Assert.Equal(["p1", "p4"], tasks[0].Examples.Select(e => e.Prompt));
        Assert.Equal(["p2", "p5", "p6"], tasks[1].Examples.Select(e => e.Prompt));
        Assert.Equal(["p3"], tasks[2].Examples.Select(e => e.Prompt));
    }

    [Fact]
    public void Without_a_file_name_untagged_records_go_to_default()
    {
        IReadOnlyList<TaskExamples<TrainingExample>> tasks = TaskGrouping.ByTask([new("p", "c"), new("q", "d", "default")]);

        TaskExamples<TrainingExample> only = Assert.Single(tasks);
        Assert.Equal(("default", 2), (only.Name, only.Examples.Count));
    }

    [Fact]
    public void A_task_that_is_not_a_valid_name_or_differs_only_in_case_names_the_record()
    {
        var invalid = Assert.Throws<InvalidDataException>(() => TaskGrouping.ByTask([new("p", "c", "qa"), new("p", "c", "my task")]));
        Assert.Equal("Record 2: task may contain only letters, digits, '_', '.' and '-', got \"my task\".", invalid.Message);

        var clash = Assert.Throws<InvalidDataException>(() => TaskGrouping.ByTask([new("p", "c", "qa"), new("p", "c", "QA")]));
        Assert.StartsWith("Record 2: task 'QA' differs from task 'qa' only in case", clash.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => TaskGrouping.ByTask([new("p", "c")], "bad name"));
    }

    [Theory]
    [InlineData("sst2-sentiment-train.jsonl", "sst2-sentiment-train")]
    [InlineData("qa train (v2).jsonl", "qa_train__v2_")]
    [InlineData("data/v1.2_qa.jsonl", "v1.2_qa")]
    [InlineData(".hidden.jsonl", "default")]
    [InlineData("数据.jsonl", "default")]
    [InlineData("", "default")]
    [InlineData(null, "default")]
    public void Default_task_name_is_a_valid_name_made_from_the_file_name(string? fileName, string expected)
    {
        Assert.Equal(expected, TaskGrouping.DefaultTaskName(fileName));
    }

    [Fact]
    public void Default_task_name_is_cut_to_64_characters()
    {
        Assert.Equal(new string('x', 64), TaskGrouping.DefaultTaskName(new string('x', 100) + ".jsonl"));
    }
}
