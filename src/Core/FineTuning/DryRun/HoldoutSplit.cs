using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>What remains to train on after the held-out shares, and how many examples each share took.</summary>
internal sealed record HoldoutSplit(IReadOnlyList<TokenizedExample> Train, int Validation, int Test);
