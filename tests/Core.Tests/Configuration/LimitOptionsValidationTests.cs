using TuningService.Core.Configuration;

namespace TuningService.Core.Tests.Configuration;

/// <summary>Rate limits and quotas of zero or less stop the process at start-up, each named on the line.</summary>
public sealed class LimitOptionsValidationTests
{
    [Fact]
    public void Zero_or_negative_limits_are_named_defaults_and_overrides_alike()
    {
        var options = new TuningOptions
        {
            RateLimits = new RateLimitOptions { RequestsPerMinute = 0 },
            Quotas = new QuotaOptions { MaxActiveJobs = -1, MaxQueuedJobs = 0, MaxStoredBytes = 0 },
            ApiKeys = [new ApiKeyOptions { Key = "k", Owner = "o", RequestsPerMinute = -5, MaxQueuedJobs = 0, MaxActiveJobs = 0, MaxStoredBytes = -1 }],
        };
        // The keys' own limits are checked with the keys (at start-up and on every reload), the defaults with the rest.
        var problems = TuningOptionsValidation.Problems(options).Concat(TuningOptionsValidation.ApiKeyProblems(options.ApiKeys)).ToList();
        foreach (var setting in new[] { "Tuning:RateLimits:RequestsPerMinute is 0", "Tuning:Quotas:MaxActiveJobs is -1", "Tuning:Quotas:MaxQueuedJobs is 0",
                     "Tuning:Quotas:MaxStoredBytes is 0", "Tuning:ApiKeys:0:RequestsPerMinute is -5", "Tuning:ApiKeys:0:MaxQueuedJobs is 0",
                     "Tuning:ApiKeys:0:MaxActiveJobs is 0", "Tuning:ApiKeys:0:MaxStoredBytes is -1" })
            Assert.Contains(problems, p => p.StartsWith(setting, StringComparison.Ordinal));
        var valid = new TuningOptions { ApiKeys = [new ApiKeyOptions { Key = "k", Owner = "o", RequestsPerMinute = 10 }] };
        Assert.Empty(TuningOptionsValidation.Problems(valid));
        Assert.Empty(TuningOptionsValidation.ApiKeyProblems(valid.ApiKeys));
    }
}
