using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// What validation_split and test_split leave to train on, approximately. The real split (seeded, stratified by
/// label) is made when the job runs; the dry run holds out round(share × N) examples for each share (halves away
/// from zero), spread evenly through the file. The counts, and so the unpacked step counts, are exact whenever the
/// split rounds the same way; token counts and packed step counts depend on which examples go, so they are close
/// but not exact.
/// </summary>
internal static class HoldoutApproximation
{
    public static HoldoutSplit Apply(IReadOnlyList<TokenizedExample> examples, double? validationShare, double? testShare)
    {
        int n = examples.Count;
        int validation = Share(n, validationShare), test = Share(n, testShare);
        // Something must remain to train on; a file this small cannot honour both shares anyway.
        while (validation + test >= n && validation + test > 0)
        {
            if (test >= validation) test--;
            else validation--;
        }
        int held = validation + test;
        if (held == 0) return new HoldoutSplit(examples, 0, 0);
        // Index i is held out when the running quota floor((i + 1) * held / n) steps up: exactly `held` of them, evenly spaced.
        var train = examples.Where((_, i) => (long)(i + 1) * held / n == (long)i * held / n).ToList();
        return new HoldoutSplit(train, validation, test);
    }

    static int Share(int n, double? share) => share is { } s ? (int)Math.Round(n * s, MidpointRounding.AwayFromZero) : 0;
}
