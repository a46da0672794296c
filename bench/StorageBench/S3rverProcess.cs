using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TuningService.Bench.StorageBench;

/// <summary>
/// s3rver (a Node.js S3-compatible server, installed by `npm ci --prefix .ci/s3rver`) on a free loopback port with a
/// fresh data folder and one bucket, as the tests start it; stopped and wiped on dispose. It runs on this machine, so
/// it competes with the service for the same CPU cores.
/// </summary>
public sealed partial class S3rverProcess : IDisposable
{
    public const string Bucket = "artifacts";
    public const string Key = "S3RVER";

    readonly Process process;
    readonly string dataDir = Directory.CreateTempSubdirectory("storage-bench-s3rver-").FullName;

    public S3rverProcess(string repositoryRoot)
    {
        var binary = Path.Combine(repositoryRoot, ".ci", "s3rver", "node_modules", ".bin", "s3rver");
        if (!File.Exists(binary)) throw new FileNotFoundException($"s3rver is not installed at {binary}: run `npm ci --prefix .ci/s3rver` from the repository root.");
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { "-d", dataDir, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", Bucket, "--silent" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { ["NODE_OPTIONS"] = "--openssl-legacy-provider" },
        };
        process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var listening = new TaskCompletionSource<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Listening().Match(e.Data) is { Success: true } m) listening.TrySetResult(m.Groups[1].Value);
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!listening.Task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("s3rver did not start within 30 s.");
        ServiceUrl = $"http://{listening.Task.Result}";
    }

    public string ServiceUrl { get; }

    /// <summary>The settings that point the service at this server, as `--key=value` arguments.</summary>
    public string[] Arguments(string prefix) =>
    [
        "--Tuning:Storage:Kind=s3", $"--Tuning:Storage:S3:ServiceUrl={ServiceUrl}", $"--Tuning:Storage:S3:Bucket={Bucket}",
        $"--Tuning:Storage:S3:Prefix={prefix}", "--Tuning:Storage:S3:ForcePathStyle=true",
        $"--Tuning:Storage:S3:AccessKey={Key}", $"--Tuning:Storage:S3:SecretKey={Key}",
    ];

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process.Dispose();
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }

    [GeneratedRegex(@"S3rver listening on (\S+:\d+)")]
    private static partial Regex Listening();
}
