using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace TuningService.Bench.IngestBench;

/// <summary>Runs one measurement in a fresh copy of this program (`run MODE FILE`), so each peak RSS is that run's alone.</summary>
public static class ChildProcess
{
    public static IngestResult Run(string mode, string file)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var argument in new[] { "run", mode, file })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        IngestResult? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(IngestResult.LinePrefix, StringComparison.Ordinal))
                result = JsonSerializer.Deserialize<IngestResult>(line[IngestResult.LinePrefix.Length..]);
            else
                Console.WriteLine($"  | {line}");
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"The {mode} run on {file} failed (exit code {process.ExitCode}).");
        return result;
    }
}
