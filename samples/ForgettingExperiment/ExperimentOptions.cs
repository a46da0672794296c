using System.Globalization;

namespace TuningService.Samples.ForgettingExperiment;

/// <summary>
/// The command line: <c>run</c> (default) or <c>prepare</c>, and <c>--name value</c> settings. Every setting that
/// changes a number in the report is written into the report's command line, so the report says how it was made.
/// </summary>
public sealed record ExperimentOptions
{
    /// <summary>"run" (the experiment) or "prepare" (rebuild the SST-2 input files from the GLUE TSVs).</summary>
    public string Command { get; init; } = "run";

    /// <summary>Epochs of every run (the same for all three, so they are compared at equal training).</summary>
    public int Epochs { get; init; } = 3;

    public int BatchSize { get; init; } = 16;

    /// <summary>The job seed of every run: the same shuffles, dropout masks and LoRA initialisation draws.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The target tasks (TargetTask keys), each fine-tuned three ways.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = ["sst2", "cat-name"];

    /// <summary>Training examples per task (SST-2: the first N of inputs/sst2-train.jsonl, which is shuffled).</summary>
    public int TrainExamples { get; init; } = 800;

    /// <summary>Pseudo-rehearsal stories sampled from the base model for the multi-task run.</summary>
    public int Stories { get; init; } = 200;

    /// <summary>Training examples put before each test prompt for the in-context-learning baseline.</summary>
    public int IclShots { get; init; } = 1;

    /// <summary>Where the report (.md) and chart (.png) go, relative to the repository root.</summary>
    public string OutputDirectory { get; init; } = "docs";

    /// <summary>The built API (TuningService.Api.dll); default: src/Api/bin/&lt;this build's configuration&gt;/net10.0.</summary>
    public string? ApiAssembly { get; init; }

    /// <summary>For <c>prepare</c>: the folder with GLUE SST-2's train.tsv and test.tsv (GLUE dev).</summary>
    public string? Sst2Folder { get; init; }

    /// <summary>Keep the service's temporary data folder (database, checkpoints, logs) after the run.</summary>
    public bool KeepServiceData { get; init; }

    public static ExperimentOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ExperimentOptions();
        var i = 0;
        if (args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal)) options = options with { Command = args[i++] };
        if (options.Command is not ("run" or "prepare"))
            throw new ArgumentException($"Unknown command '{options.Command}'; use 'run' or 'prepare'.");
        for (; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--keep-service-data")
            {
                options = options with { KeepServiceData = true };
                continue;
            }
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
            var value = args[++i];
            options = name switch
            {
                "--epochs" => options with { Epochs = Positive(name, value) },
                "--batch-size" => options with { BatchSize = Positive(name, value) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--tasks" => options with { Tasks = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--train-examples" => options with { TrainExamples = Positive(name, value) },
                "--stories" => options with { Stories = Positive(name, value) },
                "--icl-shots" => options with { IclShots = int.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => options with { OutputDirectory = value },
                "--api" => options with { ApiAssembly = value },
                "--sst2" => options with { Sst2Folder = value },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        return options;
    }

    /// <summary>The settings as command-line arguments, for the report's first line.</summary>
    public string ToArguments() =>
        $"run --tasks {string.Join(',', Tasks)} --epochs {Epochs} --batch-size {BatchSize} --seed {Seed} --train-examples {TrainExamples} " +
        $"--stories {Stories} --icl-shots {IclShots} --out {OutputDirectory}";

    private static int Positive(string name, string value)
    {
        var n = int.Parse(value, CultureInfo.InvariantCulture);
        return n > 0 ? n : throw new ArgumentException($"{name} must be positive, got {n}.");
    }
}
