namespace TuningService.Core.Datasets;

/// <summary>The shares of records that go to train, validation and test; they add up to 1.</summary>
public sealed record SplitRatios(double Train, double Validation, double Test)
{
    /// <summary>What a split request without ratios gets.</summary>
    public static SplitRatios Default { get; } = new(0.8, 0.1, 0.1);

    /// <summary>
    /// The ratios a request means: none given, <see cref="Default"/>; otherwise a missing validation or test share
    /// is 0 and a missing train share is what the others leave (so {"validation": 0.2} means 0.8/0.2/0).
    /// </summary>
    public static SplitRatios From(double? train, double? validation, double? test)
    {
        if (train is null && validation is null && test is null) return Default;
        var v = validation ?? 0;
        var t = test ?? 0;
        return new SplitRatios(train ?? 1 - v - t, v, t);
    }

    /// <summary>The share of part <paramref name="name"/> (a <see cref="SplitNames"/> value).</summary>
    public double Of(string name) => name switch
    {
        SplitNames.Train => Train,
        SplitNames.Validation => Validation,
        SplitNames.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "train, validation or test"),
    };

    /// <summary>The first problem with these ratios, naming the part at fault, or null when they can be used.</summary>
    public DatasetOptionError? Check()
    {
        // Validation and test first: train may have been derived from them, and the error should name what was given.
        foreach (var name in new[] { SplitNames.Validation, SplitNames.Test, SplitNames.Train })
        {
            var share = Of(name);
            if (!double.IsFinite(share) || share < 0 || share > 1)
                return new DatasetOptionError(name, $"{name} must be a share between 0 and 1, got {share}.");
        }
        if (Train <= 0) return new DatasetOptionError(SplitNames.Train, "train must be more than 0: something has to be left to train on.");
        var sum = Train + Validation + Test;
        if (Math.Abs(sum - 1) > 1e-6)
            return new DatasetOptionError(SplitNames.Train, $"train + validation + test must add up to 1, got {Train} + {Validation} + {Test} = {sum:0.######}.");
        return null;
    }
}
