using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using TuningService.Bench.IngestBench;
using TuningService.Bench.StorageBench;

// Issue 13's storage figures, local disk beside an S3 bucket (s3rver, a Node.js process on this machine) in one run:
// (a) a JSONL upload through the API: MB/s and peak memory above the baseline; (b) writing and reading a checkpoint of
// random weights. Rounds alternate local and s3 so that both see the same machine.
// Usage: dotnet run -c Release --project bench/StorageBench -- [upload MiB = 200] [checkpoint MiB = 128] [rounds = 3]
// Each upload runs in its own process (`upload STORE FILE [S3URL]`), so each peak memory is that upload's alone.
if (args is ["upload", var childStore, var childFile, .. var rest])
{
    var result = await UploadRun.RunAsync(childStore, childFile, rest.FirstOrDefault());
    Console.WriteLine(UploadResult.LinePrefix + JsonSerializer.Serialize(result));
    return;
}

int uploadMib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
int checkpointMib = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 128;
int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Load()}");

var root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "TuningService.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run it inside the repository.");
using var s3 = new S3rverProcess(root);
Console.WriteLine($"s3rver at {s3.ServiceUrl}");
string file = IngestFile.Ensure(uploadMib, array: false);

var uploads = new List<UploadResult>();
for (int round = 0; round < rounds; round++)
    foreach (var store in new[] { "local", "s3" })
    {
        Console.WriteLine($"upload {store} {Path.GetFileName(file)} (round {round + 1}) ...");
        uploads.Add(RunChild(store == "s3" ? ["upload", store, file, s3.ServiceUrl] : ["upload", store, file]));
    }

var storeUploads = new List<(string Store, double Write, double Complete)>();
for (int round = 0; round < rounds; round++)
    foreach (var store in new[] { "local", "s3" })
    {
        Console.WriteLine($"store upload {store} (round {round + 1}) ...");
        var dataDir = Directory.CreateTempSubdirectory("storage-bench-store-").FullName;
        try
        {
            using var s3Store = new TuningService.Core.Storage.S3ArtifactStore(new TuningService.Core.Storage.S3StorageOptions
            {
                ServiceUrl = s3.ServiceUrl, Bucket = S3rverProcess.Bucket, Prefix = $"bench-{Guid.NewGuid():N}/", ForcePathStyle = true,
                AccessKey = S3rverProcess.Key, SecretKey = S3rverProcess.Key,
            }, dataDir);
            TuningService.Core.Storage.IArtifactStore target = store == "s3" ? s3Store : new TuningService.Core.Storage.LocalArtifactStore(dataDir);
            var (write, complete) = await StoreUploadRun.RunAsync(target, file);
            storeUploads.Add((store, write, complete));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

var checkpoints = new List<(string Store, double Write, double Read, long Bytes)>();
for (int round = 0; round < rounds; round++)
    foreach (var store in new[] { "local", "s3" })
    {
        Console.WriteLine($"checkpoint {store} (round {round + 1}) ...");
        var (write, read, bytes) = await CheckpointRun.RunAsync(store, checkpointMib * 1024L * 1024, store == "s3" ? s3 : null);
        checkpoints.Add((store, write, read, bytes));
    }

Console.WriteLine();
Console.WriteLine("| upload | file MB | seconds | MB/s | RSS before MiB | peak RSS MiB | peak - before MiB |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in uploads)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Store} | {r.Bytes / 1e6:F1} | {r.Seconds:F2} | {r.MegabytesPerSecond:F1} | {r.BaselineRssMb:F0} | {r.PeakRssMb:F0} | {r.PeakAboveBaselineMb:F0} |"));
double Median(IEnumerable<double> values) { var v = values.Order().ToList(); return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2; }
double localMbs = Median(uploads.Where(u => u.Store == "local").Select(u => u.MegabytesPerSecond));
double s3Mbs = Median(uploads.Where(u => u.Store == "s3").Select(u => u.MegabytesPerSecond));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median: local {localMbs:F1} MB/s, s3 {s3Mbs:F1} MB/s = {100 * s3Mbs / localMbs:F0}% of local; peak above baseline: local {Median(uploads.Where(u => u.Store == "local").Select(u => u.PeakAboveBaselineMb)):F0} MiB, s3 {Median(uploads.Where(u => u.Store == "s3").Select(u => u.PeakAboveBaselineMb)):F0} MiB"));
Console.WriteLine();
Console.WriteLine("| store upload only (no API) | write s | complete s | MB/s |");
Console.WriteLine("|---|---:|---:|---:|");
long fileBytes = new FileInfo(file).Length;
foreach (var u in storeUploads)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {u.Store} | {u.Write:F2} | {u.Complete:F2} | {fileBytes / 1e6 / (u.Write + u.Complete):F1} |"));
Console.WriteLine();
Console.WriteLine("| checkpoint | MB | write s | read s |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var c in checkpoints)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {c.Store} | {c.Bytes / 1e6:F1} | {c.Write:F2} | {c.Read:F2} |"));
foreach (var store in new[] { "local", "s3" })
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"median {store}: write {Median(checkpoints.Where(c => c.Store == store).Select(c => c.Write)):F2} s, read {Median(checkpoints.Where(c => c.Store == store).Select(c => c.Read)):F2} s"));
Console.WriteLine($"load average after: {Load()}");

static UploadResult RunChild(string[] arguments)
{
    var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
    foreach (var argument in arguments) start.ArgumentList.Add(argument);
    using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
    UploadResult? result = null;
    while (process.StandardOutput.ReadLine() is { } line)
    {
        if (line.StartsWith(UploadResult.LinePrefix, StringComparison.Ordinal)) result = JsonSerializer.Deserialize<UploadResult>(line[UploadResult.LinePrefix.Length..]);
        else Console.WriteLine($"  | {line}");
    }
    process.WaitForExit();
    if (process.ExitCode != 0 || result is null) throw new InvalidOperationException($"The run {string.Join(' ', arguments)} failed (exit code {process.ExitCode}).");
    return result;
}
