using System.Diagnostics;
using TuningService.Core.Files;

namespace TuningService.Bench.IngestBench;

/// <summary>FineTuneUpload.CopyAndValidateAsync from the file to a copy under /tmp: validation, hashing and the copy alone.</summary>
public static class CoreIngest
{
    public static async Task<IngestResult> RunAsync(string path)
    {
        string copy = path + ".copy";
        double baseline = ProcessMemory.ResidentMb();
        ProcessMemory.ResetPeak();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        PerfWindow.Enable();
        var clock = Stopwatch.StartNew();
        FineTuneUploadResult result;
        await using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        await using (var destination = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            result = await FineTuneUpload.CopyAndValidateAsync(source, destination, new DatasetUploadOptions { Filename = Path.GetFileName(path) });
        double seconds = clock.Elapsed.TotalSeconds;
        PerfWindow.Disable();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double peak = ProcessMemory.PeakResidentMb();
        File.Delete(copy);
        var v = result.Validation;
        return new IngestResult("core", Path.GetFileName(path), result.Bytes, v.RecordCount, seconds, cpuSeconds, baseline, peak,
            v.IsValid ? $"{v.Format?.ToWireName()} {v.Container.ToWireName()}" : $"invalid: {v.Errors[0]}");
    }
}
