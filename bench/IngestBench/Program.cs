using System.Globalization;
using System.Text.Json;
using TuningService.Bench.IngestBench;

// Upload throughput and peak memory of dataset ingestion for JSONL and JSON-array files of growing size (flat memory
// in the file size = streaming).
// Usage: dotnet run -c Release --project bench/IngestBench -- [sizes in MiB, comma-separated = 50,200]
// Each (size, mode) runs in its own process; files are generated under /tmp once and reused.
if (args is ["run", var childMode, var childFile])
{
    var result = childMode == "core" ? await CoreIngest.RunAsync(childFile) : await HttpIngest.RunAsync(childFile);
    Console.WriteLine(IngestResult.LinePrefix + JsonSerializer.Serialize(result));
    return;
}

int[] sizes = args.Length > 0 ? [.. args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [50, 200];
var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {string.Join(' ', load)}");
var rows = new List<IngestResult>();
foreach (bool array in new[] { false, true })
foreach (int size in sizes)
{
    string file = IngestFile.Ensure(size, array);
    foreach (var mode in new[] { "core", "http" })
    {
        Console.WriteLine($"{mode} {Path.GetFileName(file)} ...");
        rows.Add(ChildProcess.Run(mode, file));
    }
}
Console.WriteLine();
Console.WriteLine("| mode | file | file MiB | records | seconds | MiB/s | CPU s | MiB per CPU s | RSS before MiB | peak RSS MiB | peak - before MiB | answer |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
foreach (var r in rows)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Mode} | {r.File} | {r.Bytes / 1048576.0:F1} | {r.Records:N0} | {r.Seconds:F2} | {r.MegabytesPerSecond:F1} | {r.CpuSeconds:F2} | {r.MegabytesPerCpuSecond:F1} | {r.BaselineRssMb:F0} | {r.PeakRssMb:F0} | {r.PeakRssMb - r.BaselineRssMb:F0} | {r.Answer} |"));
Console.WriteLine($"load average after: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}");
