using System.Net;
using Npgsql;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// The real API and worker programs, started as processes: a database that does not exist yet is created; a
/// server that is not there or a bad setting ends the process quickly with one line that says what to fix, a
/// non-zero exit code and no stack trace.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StartupFailureTests(PostgresServer postgres) : IDisposable
{
    // Three connection attempts with 5 s connect timeouts and pauses of 1 s and 3 s, plus the program's own start.
    static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    readonly string dataDir = Directory.CreateTempSubdirectory("tuning-startup-").FullName;

    public void Dispose() => Directory.Delete(dataDir, recursive: true);

    [Fact]
    public async Task An_api_and_a_worker_starting_together_create_a_missing_database_and_come_up()
    {
        var name = "tuning_missing_" + Guid.NewGuid().ToString("N");
        var database = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = name }.ConnectionString;
        Assert.False(await DatabaseExistsAsync(name));
        try
        {
            using var api = new ApiProcess(database, dataDir);
            using var worker = new WorkerProcess(database, dataDir);

            Assert.True(await api.WaitForHealthAsync(TimeSpan.FromSeconds(90)) == HttpStatusCode.OK, api.Output);
            Assert.True(await WaitForOutputAsync(worker, "Application started", TimeSpan.FromSeconds(60)), worker.Output);
            Assert.False(worker.HasExited, worker.Output);
            Assert.True(await DatabaseExistsAsync(name));
            Assert.DoesNotContain("   at ", api.Output + worker.Output);
        }
        finally
        {
            // The shared server may be a developer's own (ConnectionStrings__Postgres): leave nothing behind on it.
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task A_server_that_is_not_there_ends_the_process_with_one_line_naming_it(string program)
    {
        var port = LoopbackPort.Free();
        using var process = Start(program, $"Host=127.0.0.1;Port={port};Username=postgres;Database=tuning");

        var failure = await AssertFailsWithOneLineAsync(process, $"127.0.0.1:{port}");
        Assert.Contains("Cannot reach PostgreSQL", failure);
        Assert.Contains("tried 3 times", failure);
        Assert.Contains("database 'tuning'", failure);
    }

    [Theory]
    [InlineData("api", "Tuning__WorkerCount", "-1", "Tuning:WorkerCount")]
    [InlineData("worker", "Tuning__WorkerCount", "-1", "Tuning:WorkerCount")]
    [InlineData("api", "Tuning__LeaseSeconds", "0", "Tuning:LeaseSeconds")]
    [InlineData("worker", "Tuning__LeaseSeconds", "0", "Tuning:LeaseSeconds")]
    [InlineData("worker", "Tuning__WorkerCount", "two", "Tuning:WorkerCount")]
    [InlineData("api", "ConnectionStrings__Postgres", "Host=127.0.0.1;Port=not-a-port", "ConnectionStrings:Postgres")]
    [InlineData("worker", "ConnectionStrings__Postgres", "just some words", "ConnectionStrings:Postgres")]
    [InlineData("api", "Tuning__Storage__Kind", "gcs", "Tuning:Storage:Kind")]
    [InlineData("worker", "Tuning__Storage__S3__ForcePathStyle", "yes", "Tuning:Storage:S3:ForcePathStyle")]
    [InlineData("api", "Tuning__LocalCacheBytes", "0", "Tuning:LocalCacheBytes")]
    [InlineData("worker", "Tuning__LocalCacheBytes", "-5", "Tuning:LocalCacheBytes")]
    [InlineData("api", "Tuning__Webhooks__AttemptTimeoutSeconds", "0", "Tuning:Webhooks:AttemptTimeoutSeconds")]
    [InlineData("worker", "Tuning__Webhooks__AllowPrivateTargets", "maybe", "Tuning:Webhooks:AllowPrivateTargets")]
    public async Task An_invalid_setting_ends_the_process_with_one_line_naming_it(string program, string variable, string value, string setting)
    {
        // A server that is not there: were the setting not checked first, the process would fail on that instead.
        var unreachable = $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Database=tuning";
        using var process = Start(program, unreachable, new Dictionary<string, string> { [variable] = value });

        var failure = await AssertFailsWithOneLineAsync(process, setting);
        Assert.Contains("could not start", failure);
        Assert.DoesNotContain("Cannot reach PostgreSQL", process.Output);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task Every_invalid_setting_and_api_key_is_listed_one_line_each_without_the_keys(string program)
    {
        var secret = $"sk-secret-{Guid.NewGuid():N}";
        var unreachable = $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Database=tuning";
        using var process = Start(program, unreachable, new Dictionary<string, string>
        {
            ["Tuning__WorkerCount"] = "0",
            ["Tuning__MaxUploadBytes"] = "-1",
            ["Tuning__ApiKeys__0__Key"] = secret, ["Tuning__ApiKeys__0__Owner"] = "alice",
            ["Tuning__ApiKeys__1__Key"] = secret, ["Tuning__ApiKeys__1__Owner"] = "bob",
            ["Tuning__ApiKeys__2__Key"] = " ", ["Tuning__ApiKeys__2__Owner"] = "carol",
            // Not numbered from 0 without gaps: each problem names the entry as written.
            ["Tuning__ApiKeys__7__Key"] = secret + "-7", ["Tuning__ApiKeys__7__Owner"] = "",
            // The binder would silently leave this entry out.
            ["Tuning__ApiKeys__9__Key"] = secret + "-9", ["Tuning__ApiKeys__9__Owner"] = "dave", ["Tuning__ApiKeys__9__Admin"] = "maybe",
        });

        Assert.True(await process.WaitForExitAsync(ExitDeadline), $"Still running after {ExitDeadline.TotalSeconds} s:\n{process.Output}");
        Assert.NotEqual(0, process.ExitCode);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, line => line.Contains("   at "));
        Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain("Cannot reach PostgreSQL", process.Output);
        foreach (var problem in new[]
        {
            "Tuning:WorkerCount is 0 but must be at least 1",
            "Tuning:MaxUploadBytes is -1 but must be at least 1",
            "Tuning:ApiKeys:1:Key is the same key as Tuning:ApiKeys:0:Key, given for two owners ('alice' and 'bob')",
            "Tuning:ApiKeys:2:Key is empty",
            "Tuning:ApiKeys:7:Owner is empty",
            "Tuning:ApiKeys:9 cannot be read: Failed to convert configuration value 'maybe' at 'Tuning:ApiKeys:9:Admin' to type 'System.Boolean'",
        })
        {
            var line = Assert.Single(lines, l => l.Contains(problem, StringComparison.Ordinal));
            Assert.StartsWith($"fail: TuningService.{(program == "api" ? "Api" : "Worker")} could not start: Invalid configuration: ", line);
        }
        Assert.Single(lines, l => l.Contains("Fix these 6 settings in appsettings.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task An_artifact_store_that_is_not_there_ends_the_process_with_one_line_naming_it(string program)
    {
        // Checked before the database: the PostgreSQL here is not there either, and must not be what is reported.
        var endpoint = $"http://127.0.0.1:{LoopbackPort.Free()}";
        using var process = Start(program, $"Host=127.0.0.1;Port={LoopbackPort.Free()};Username=postgres;Database=tuning", new Dictionary<string, string>
        {
            ["Tuning__Storage__Kind"] = "s3",
            ["Tuning__Storage__S3__ServiceUrl"] = endpoint,
            ["Tuning__Storage__S3__Bucket"] = "artifacts",
            ["Tuning__Storage__S3__ForcePathStyle"] = "true",
            ["Tuning__Storage__S3__AccessKey"] = "key",
            ["Tuning__Storage__S3__SecretKey"] = "secret",
        });

        var failure = await AssertFailsWithOneLineAsync(process, endpoint);
        Assert.Contains("Cannot reach the artifact store's S3 endpoint", failure);
        Assert.Contains("Tuning:Storage:S3:ServiceUrl", failure);
        Assert.DoesNotContain("Cannot reach PostgreSQL", process.Output);
    }

    ServiceProcess Start(string program, string connectionString, IReadOnlyDictionary<string, string>? environment = null) =>
        program == "api" ? new ApiProcess(connectionString, dataDir, environment) : new WorkerProcess(connectionString, dataDir, environment);

    /// <summary>The process exits non-zero in time, exactly one line names <paramref name="subject"/>, and no line is a stack frame.</summary>
    static async Task<string> AssertFailsWithOneLineAsync(ServiceProcess process, string subject)
    {
        Assert.True(await process.WaitForExitAsync(ExitDeadline), $"Still running after {ExitDeadline.TotalSeconds} s:\n{process.Output}");
        Assert.NotEqual(0, process.ExitCode);
        var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, line => line.Contains("   at "));
        var naming = lines.Where(line => line.Contains(subject)).ToList();
        Assert.True(naming.Count == 1, $"Expected one line naming {subject}:\n{process.Output}");
        return naming[0];
    }

    static async Task<bool> WaitForOutputAsync(ServiceProcess process, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited && !process.Output.Contains(text)) await Task.Delay(250);
        return process.Output.Contains(text);
    }

    async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        query.Parameters.AddWithValue("name", name);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }
}
