using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>
/// A real S3-compatible server for the tests: s3rver (installed by .ci/run into .ci/s3rver/node_modules, or named by
/// the S3RVER_BIN environment variable) on a free loopback port, with a fresh data folder and one bucket, stopped
/// and wiped on dispose. Without s3rver the tests fail with the command that installs it, rather than skip.
/// </summary>
public sealed partial class S3rverServer : IAsyncLifetime
{
    public const string Bucket = "artifacts";

    // s3rver's default account; it checks signatures against it.
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    readonly string dataDir = Path.Combine(Path.GetTempPath(), $"s3rver-{Guid.NewGuid():N}");
    readonly List<string> output = [];
    Process? process;

    public string ServiceUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var binary = FindBinary();
        Directory.CreateDirectory(dataDir);
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { "-d", dataDir, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", Bucket },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // s3rver signs ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) only has in its legacy provider.
            Environment = { ["NODE_OPTIONS"] = $"{Environment.GetEnvironmentVariable("NODE_OPTIONS")} --openssl-legacy-provider".Trim() },
        };
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        // Every line is read (s3rver logs each request; an unread pipe would fill and stall it), the last ones kept for errors.
        DataReceivedEventHandler keep = (_, e) =>
        {
            if (e.Data is null) return;
            lock (output)
            {
                output.Add(e.Data);
                if (output.Count > 5000) output.RemoveAt(0);
            }
            if (ListeningLine().Match(e.Data) is { Success: true } m) listening.TrySetResult(m.Groups[1].Value);
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"s3rver ({binary}) exited with {process.ExitCode} before listening:\n{Output()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (ready != listening.Task) throw new TimeoutException($"s3rver ({binary}) did not say it was listening within 30 s:\n{Output()}");
        ServiceUrl = $"http://{await listening.Task}";
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        process?.Dispose();
        try { Directory.Delete(dataDir, recursive: true); }
        catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }

    /// <summary>Settings for a store on this server, under a prefix of its own so tests sharing the bucket do not meet.</summary>
    public S3StorageOptions Options(string? prefix = null, string bucket = Bucket) => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = bucket,
        Prefix = prefix ?? $"test-{Guid.NewGuid():N}/",
        ForcePathStyle = true,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
    };

    /// <summary>A plain SDK client on this server, for what the store would never do (tampering with an object).</summary>
    public AmazonS3Client RawClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>s3rver's log so far: one line per request (method, path and query) and per response.</summary>
    public IReadOnlyList<string> RequestLog()
    {
        lock (output) return [.. output];
    }

    string Output()
    {
        lock (output) return string.Join("\n", output);
    }

    static string FindBinary()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("S3RVER_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return File.Exists(fromEnvironment) ? fromEnvironment
                : throw new FileNotFoundException($"S3RVER_BIN is '{fromEnvironment}', which does not exist. Point it at an s3rver executable or unset it.");
        var installed = Path.Combine(RepositoryRoot(), ".ci", "s3rver", "node_modules", ".bin", "s3rver");
        if (File.Exists(installed)) return installed;
        throw new FileNotFoundException(
            $"s3rver (the S3-compatible server these tests run against) is not installed at {installed}. Install it with " +
            "`npm ci --prefix .ci/s3rver` from the repository root (Node.js 18+; .ci/run does this), or set S3RVER_BIN to an s3rver executable.");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TuningService.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No TuningService.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"S3rver listening on (\S+:\d+)")]
    private static partial Regex ListeningLine();
}
