using TuningService.Core.Configuration;

namespace TuningService.Core.Tests.Configuration;

/// <summary>The Tuning section's checks: limits that cannot work and API key lists that cannot be told apart, named by setting, never by key.</summary>
public sealed class TuningOptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(TuningOptionsValidation.Problems(new TuningOptions()));
        Assert.Empty(TuningOptionsValidation.ApiKeyProblems([]));
    }

    [Theory]
    [InlineData(nameof(TuningOptions.MaxJobAttempts), 0, "Tuning:MaxJobAttempts is 0 but must be at least 1")]
    [InlineData(nameof(TuningOptions.DatabaseOutageToleranceSeconds), -3, "Tuning:DatabaseOutageToleranceSeconds is -3 but must be at least 1")]
    [InlineData(nameof(TuningOptions.ShutdownCheckpointSeconds), 2, "Tuning:ShutdownCheckpointSeconds is 2 but must be at least 5")]
    [InlineData(nameof(TuningOptions.MaxConcurrentGenerations), 0, "Tuning:MaxConcurrentGenerations is 0 but must be at least 1")]
    [InlineData(nameof(TuningOptions.MaxQueuedGenerations), -1, "Tuning:MaxQueuedGenerations is -1 but must be at least 0")]
    public void An_impossible_limit_is_named_with_its_range(string setting, int value, string expected)
    {
        var options = new TuningOptions();
        typeof(TuningOptions).GetProperty(setting)!.SetValue(options, value);
        Assert.Equal(expected, Assert.Single(TuningOptionsValidation.Problems(options)).Split(" (")[0]);
    }

    [Fact]
    public void A_hub_url_that_is_not_http_and_an_empty_data_dir_are_named()
    {
        var problems = TuningOptionsValidation.Problems(new TuningOptions { HubUrl = "huggingface.co", DataDir = " " });
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Tuning:HubUrl is 'huggingface.co'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Tuning:DataDir is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_key_problem_is_listed_by_index_and_no_key_is_quoted()
    {
        List<ApiKeyOptions> keys =
        [
            new() { Key = "sk-one", Owner = "alice" },
            new() { Key = "sk-one", Owner = "alice" },
            new() { Key = "sk-one", Owner = "bob" },
            new() { Key = "sk-two", Owner = "carol", Admin = true },
            new() { Key = "sk-two", Owner = "carol" },
            new() { Key = "", Owner = "dave" },
            new() { Key = " sk-three", Owner = " " },
        ];
        var problems = TuningOptionsValidation.ApiKeyProblems(keys);

        Assert.Equal(
        [
            "Tuning:ApiKeys:1:Key is the same key as Tuning:ApiKeys:0:Key, given twice",
            "Tuning:ApiKeys:2:Key is the same key as Tuning:ApiKeys:0:Key, given for two owners ('alice' and 'bob'): a caller with it could not be told apart",
            "Tuning:ApiKeys:4:Key is the same key as Tuning:ApiKeys:3:Key, given once as admin and once not",
            "Tuning:ApiKeys:5:Key is empty (every entry needs a key; remove the entry, or set its key)",
            "Tuning:ApiKeys:6:Key begins or ends with whitespace (no request could present it)",
            "Tuning:ApiKeys:6:Owner is empty (files, jobs and models belong to a key's owner)",
        ], problems);
        Assert.DoesNotContain(problems, p => p.Contains("sk-", StringComparison.Ordinal));
    }

    [Fact]
    public void Entries_are_named_by_their_configuration_paths_when_given()
    {
        List<ApiKeyOptions> keys = [new() { Key = "sk-a", Owner = "alice" }, new() { Key = "sk-a", Owner = "alice" }];
        var problems = TuningOptionsValidation.ApiKeyProblems(keys, ["Tuning:ApiKeys:3", "Tuning:ApiKeys:8"]);
        Assert.Equal("Tuning:ApiKeys:8:Key is the same key as Tuning:ApiKeys:3:Key, given twice", Assert.Single(problems));
    }

    [Fact]
    public void The_start_up_failure_lists_each_problem_on_its_own_line()
    {
        var options = new TuningOptions { WorkerCount = 0, ApiKeys = [new() { Key = "sk-x", Owner = "" }] };
        var lines = Assert.Throws<StartupException>(() =>
            TuningOptionsValidation.ThrowIfInvalid(options, TuningOptionsValidation.ApiKeyProblems(options.ApiKeys))).Message.Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Invalid configuration: Tuning:WorkerCount is 0", lines[0]);
        Assert.StartsWith("Invalid configuration: Tuning:ApiKeys:0:Owner is empty", lines[1]);
        Assert.StartsWith("Fix these 2 settings in appsettings.json", lines[2]);
    }
}
