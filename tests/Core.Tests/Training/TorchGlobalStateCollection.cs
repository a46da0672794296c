namespace TuningService.Core.Tests.Training;

/// <summary>Tests that seed torch's global generator or rely on it run alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "Torch global state";
}
