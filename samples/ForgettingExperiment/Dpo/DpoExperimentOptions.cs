using System.Globalization;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>
/// The <c>dpo</c> command's settings (<c>--name value</c>). The defaults are those of the service's own DPO test
/// (tests/Api.Tests/FineTuningJobs/PreferenceFineTuningTests.cs), so the page describes what that test checks.
/// </summary>
public sealed record DpoExperimentOptions
{
    public int Epochs { get; init; } = 4;

    /// <summary>Preference pairs per step.</summary>
    public int BatchSize { get; init; } = 8;

    public int Seed { get; init; } = 3;

    /// <summary>DPO's β: how far the policy may move from the reference for a given preference margin.</summary>
    public double Beta { get; init; } = 0.1;

    /// <summary>Pairs per story: the story's character renamed this many ways.</summary>
    public int NamesPerStory { get; init; } = 8;

    public double FullLearningRate { get; init; } = 1e-4;

    /// <summary>LoRA trains 2% of the weights from zero-initialised B matrices; it is usually given a learning rate about ten times full fine-tuning's.</summary>
    public double LoraLearningRate { get; init; } = 1e-3;

    /// <summary>Where the report (.md), chart (.png) and runs (.jsonl) go, relative to the repository root.</summary>
    public string OutputDirectory { get; init; } = "docs";

    public string? ApiAssembly { get; init; }

    public static DpoExperimentOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DpoExperimentOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
            var value = args[++i];
            options = name switch
            {
                "--epochs" => options with { Epochs = Positive(name, value) },
                "--batch-size" => options with { BatchSize = Positive(name, value) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--beta" => options with { Beta = double.Parse(value, CultureInfo.InvariantCulture) },
                "--names-per-story" => options with { NamesPerStory = Positive(name, value) },
                "--full-learning-rate" => options with { FullLearningRate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--lora-learning-rate" => options with { LoraLearningRate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => options with { OutputDirectory = value },
                "--api" => options with { ApiAssembly = value },
                _ => throw new ArgumentException($"Unknown option '{name}' for dpo."),
            };
        }
        return options;
    }

    /// <summary>The settings as command-line arguments, for the report's first line.</summary>
    public string ToArguments() => string.Create(CultureInfo.InvariantCulture,
        $"dpo --epochs {Epochs} --batch-size {BatchSize} --seed {Seed} --beta {Beta} --names-per-story {NamesPerStory} " +
        $"--full-learning-rate {FullLearningRate} --lora-learning-rate {LoraLearningRate} --out {OutputDirectory}");

    private static int Positive(string name, string value)
    {
        var n = int.Parse(value, CultureInfo.InvariantCulture);
        return n > 0 ? n : throw new ArgumentException($"{name} must be positive, got {n}.");
    }
}
