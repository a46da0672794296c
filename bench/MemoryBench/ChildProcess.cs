using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace TuningService.Bench.MemoryBench;

/// <summary>Runs one configuration in a fresh copy of this program (`run CONFIG FOLDER STEPS HEAP`), echoing its progress.</summary>
public static class ChildProcess
{
    public static RunResult Run(string config, string folder, int steps, string heap)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var argument in new[] { "run", config, folder, $"{steps}", heap })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        RunResult? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(RunResult.LinePrefix, StringComparison.Ordinal))
                result = JsonSerializer.Deserialize<RunResult>(line[RunResult.LinePrefix.Length..]);
            else
                Console.WriteLine($"  | {line}");
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"The run of {config} failed (exit code {process.ExitCode}).");
        return result;
    }
}
