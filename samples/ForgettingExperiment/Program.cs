using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TuningService.Samples.ForgettingExperiment;
using TuningService.Samples.ForgettingExperiment.Data;
using TuningService.Samples.ForgettingExperiment.Dpo;
using TuningService.Samples.ForgettingExperiment.Report;
using TuningService.Samples.ForgettingExperiment.Runs;
using TuningService.Samples.ForgettingExperiment.Service;

// Reproduces the seed's claim about catastrophic forgetting on the shipped model, through the service's HTTP API:
// full fine-tuning vs a multi-task mix with story text vs LoRA, target-task gain against forgetting.
// Usage (repository root): dotnet run -c Release --project samples/ForgettingExperiment -- [run|prepare|dpo] [--name value ...]
// See samples/ForgettingExperiment/README.md.
var root = RepositoryRoot();
#if DEBUG
const string Configuration = "Debug";
#else
const string Configuration = "Release";
#endif
var builtApi = Path.Combine(root, "src", "Api", "bin", Configuration, "net10.0", "TuningService.Api.dll");

// "dpo": DPO on the story-name preference task, full fine-tuning and LoRA (docs/dpo-experiment.md); its own options.
if (args.Length > 0 && args[0] == "dpo")
{
    var dpoOptions = DpoExperimentOptions.Parse(args[1..]);
    return await DpoExperiment.RunAsync(dpoOptions, root, dpoOptions.ApiAssembly ?? builtApi, GitCommit);
}

var options = ExperimentOptions.Parse(args);
var inputs = Path.Combine(root, "samples", "ForgettingExperiment", "inputs");

if (options.Command == "prepare")
{
    Sst2Preparation.Prepare(options.Sst2Folder ?? throw new ArgumentException("prepare needs --sst2 <folder with GLUE SST-2 train.tsv and test.tsv>."), inputs);
    return 0;
}

var apiAssembly = options.ApiAssembly ?? builtApi;
var started = DateTime.UtcNow;
var clock = Stopwatch.StartNew();
Console.WriteLine($"Starting the service ({apiAssembly})...");
using var service = await ServiceProcess.StartAsync(apiAssembly, options.KeepServiceData, TimeSpan.FromMinutes(3));
Console.WriteLine($"Service at {service.BaseAddress}, data in {service.DataDirectory}");
using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
ExperimentRecord record;
try
{
    record = await new ExperimentRunner(new TuningClient(http), options, inputs, service.DataDirectory).RunAsync(CancellationToken.None);
}
catch (Exception e) when (e is HttpRequestException or InvalidOperationException or InvalidDataException)
{
    Console.Error.WriteLine($"The experiment failed: {e.Message}\nLast lines of the service log:\n{service.LogTail()}");
    return 1;
}

var baseParameters = JsonRead.Integer(record.BaseModel["parameters"]);
var runs = record.Runs.Select(r => EvaluationReading.Read(r, baseParameters)).ToList();
var retentionSet = runs.Select(r => r.RetentionSet).FirstOrDefault(s => s is not null) ?? "heldout_stories";
var outputFolder = Path.Combine(root, options.OutputDirectory);
Directory.CreateDirectory(outputFolder);
var chartPath = Path.Combine(outputFolder, "forgetting-experiment.png");
await File.WriteAllBytesAsync(chartPath, ExperimentChart.Render(runs, options.IclShots, retentionSet));
var context = new ReportContext(
    $"dotnet run -c Release --project samples/ForgettingExperiment -- {options.ToArguments()}", started,
    RuntimeInformation.OSDescription, GitCommit(root), clock.Elapsed.TotalSeconds, options, baseParameters, retentionSet,
    [.. options.Tasks.Select(TargetTask.Find)], record.Stories, runs);
var reportPath = Path.Combine(outputFolder, "forgetting-experiment.md");
await File.WriteAllTextAsync(reportPath, ExperimentReport.Write(context));
// The jobs and evaluations as served, one run a line, for anyone who wants more than the table.
await File.WriteAllLinesAsync(Path.Combine(outputFolder, "forgetting-experiment.jsonl"), record.Runs.Select(r => new JsonObject
{
    ["task"] = r.Task.Key, ["run"] = r.Run.Name, ["job"] = r.Job.DeepClone(), ["evaluation"] = r.Evaluation?.DeepClone(),
}.ToJsonString()));
Console.WriteLine($"Wrote {reportPath} and {chartPath} in {clock.Elapsed.TotalMinutes:F1} minutes.");
return runs.All(r => r.Status == "succeeded") ? 0 : 1;

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "TuningService.sln"))) return dir.FullName;
    throw new InvalidOperationException("Run from a build inside the repository (TuningService.sln not found above the program).");
}

static string GitCommit(string root)
{
    try
    {
        var start = new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true };
        using var git = Process.Start(start)!;
        var commit = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return git.ExitCode == 0 && commit.Length > 0 ? commit : "unknown";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown (git not found)";
    }
}
