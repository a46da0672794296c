using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TuningService.Samples.ForgettingExperiment.Report;
using TuningService.Samples.ForgettingExperiment.Service;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>
/// The <c>dpo</c> command: starts the built service, runs the two DPO jobs through its HTTP API and writes
/// &lt;out&gt;/dpo-experiment.md, .png and .jsonl.
/// </summary>
public static class DpoExperiment
{
    public static async Task<int> RunAsync(DpoExperimentOptions options, string root, string apiAssembly, Func<string, string> gitCommit)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Starting the service ({apiAssembly})...");
        using var service = await ServiceProcess.StartAsync(apiAssembly, keepData: false, TimeSpan.FromMinutes(3));
        Console.WriteLine($"Service at {service.BaseAddress}, data in {service.DataDirectory}");
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        var client = new TuningClient(http);
        var workFolder = Directory.CreateDirectory(Path.Combine(service.DataDirectory, "dpo-experiment")).FullName;
        JsonObject baseModel;
        (int TrainPairs, int HeldOutPairs, IReadOnlyList<DpoRunRecord> Runs) result;
        try
        {
            baseModel = await client.GetModelAsync(DpoRunner.BaseModel, CancellationToken.None);
            result = await new DpoRunner(client, options, workFolder).RunAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or InvalidDataException)
        {
            Console.Error.WriteLine($"The experiment failed: {e.Message}\nLast lines of the service log:\n{service.LogTail()}");
            return 1;
        }

        var runs = result.Runs.Select(DpoMeasurement.Read).ToList();
        var outputFolder = Directory.CreateDirectory(Path.Combine(root, options.OutputDirectory)).FullName;
        var chartPath = Path.Combine(outputFolder, DpoReport.Name + ".png");
        await File.WriteAllBytesAsync(chartPath, DpoChart.Render(runs));
        var context = new DpoReportContext(
            $"dotnet run -c Release --project samples/ForgettingExperiment -- {options.ToArguments()}", started, RuntimeInformation.OSDescription,
            gitCommit(root), clock.Elapsed.TotalSeconds, options, JsonRead.Integer(baseModel["parameters"]), result.TrainPairs, result.HeldOutPairs,
            File.ReadLines(Path.Combine(workFolder, "stories-train.jsonl")).First(), runs);
        var reportPath = Path.Combine(outputFolder, DpoReport.Name + ".md");
        await File.WriteAllTextAsync(reportPath, DpoReport.Write(context));
        await File.WriteAllLinesAsync(Path.Combine(outputFolder, DpoReport.Name + ".jsonl"), result.Runs.Select(r => new JsonObject
        {
            ["run"] = r.Name, ["job"] = r.Job.DeepClone(), ["metrics"] = r.Metrics["data"]?.DeepClone(), ["evaluation"] = r.Evaluation?.DeepClone(),
        }.ToJsonString()));
        Console.WriteLine($"Wrote {reportPath} and {chartPath} in {clock.Elapsed.TotalMinutes:F1} minutes.");
        return runs.All(r => r.Status == "succeeded") ? 0 : 1;
    }
}
