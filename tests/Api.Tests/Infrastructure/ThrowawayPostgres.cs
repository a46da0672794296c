using System.Net;
using System.Net.Sockets;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server in a temporary directory, listening on 127.0.0.1 only, deleted on dispose. Written here
/// rather than with Testcontainers because the build machines have the PostgreSQL binaries but no Docker.
/// </summary>
sealed class ThrowawayPostgres : IDisposable
{
    const int StartAttempts = 3;

    readonly string binDirectory;
    readonly string root;
    readonly string? runAs;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The server's command-line options (port included) once started: <see cref="StartAgain"/> reuses them.</summary>
    string startOptions = "";

    string DataDirectory => Path.Combine(root, "data");

    ThrowawayPostgres(string binDirectory, string root, string? runAs)
    {
        this.binDirectory = binDirectory;
        this.root = root;
        this.runAs = runAs;
    }

    /// <summary>The newest installed server's bin directory (Debian layout first, then PATH), or null.</summary>
    public static string? FindBinDirectory()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(version => int.TryParse(Path.GetFileName(version), out var major) ? major : 0)
                .Select(version => Path.Combine(version, "bin"))
            : [];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(directory => directory.Length > 0);
        return debian.Concat(onPath).FirstOrDefault(directory =>
            ProgramExists(Path.Combine(directory, "initdb")) && ProgramExists(Path.Combine(directory, "pg_ctl")));
    }

    // File.Exists is true for a dangling symbolic link (e.g. /usr/local/bin/initdb left behind by a removed package).
    static bool ProgramExists(string path)
    {
        var file = new FileInfo(path);
        return file.Exists && (file.ResolveLinkTarget(returnFinalTarget: true) ?? file).Exists;
    }

    public static ThrowawayPostgres Start(string binDirectory)
    {
        // PostgreSQL refuses to run as root; the Debian package creates the 'postgres' user for this.
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var root = Directory.CreateTempSubdirectory("tuning-postgres-").FullName;
        var server = new ThrowawayPostgres(binDirectory, root, runAs);
        try
        {
            if (runAs is not null) ExternalCommand.Run(null, "chown", $"{runAs}:", root);
            server.InitializeCluster();
            server.StartOnFreePort();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    void InitializeCluster() => ExternalCommand.Run(runAs, Path.Combine(binDirectory, "initdb"),
        "-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");

    void StartOnFreePort()
    {
        // Another process can take the free port between the probe and the server's bind: try a new one then.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            try
            {
                // Durability is pointless for data deleted after the run; many test databases each keep a pool.
                var options = $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off " +
                              "-c synchronous_commit=off -c full_page_writes=off -c max_connections=500";
                ExternalCommand.Run(runAs, Path.Combine(binDirectory, "pg_ctl"), "-D", DataDirectory,
                    "-l", Path.Combine(root, "server.log"), "-w", "-t", "50", "-o", options, "start");
                startOptions = options;
                ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
                return;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
            }
        }
    }

    /// <summary>
    /// `pg_ctl restart -m fast`: open sessions are ended (clients see 57P01, then a refused connection), the server
    /// comes back on the same port and data. Returns when it accepts connections again.
    /// </summary>
    /// <remarks>The log file is named again: without it the new server would write to pg_ctl's output, a pipe of ours.</remarks>
    public void Restart() => PgCtl("-l", Path.Combine(root, "server.log"), "-m", "fast", "-w", "-t", "50", "-o", startOptions, "restart");

    /// <summary>`pg_ctl stop -m fast`: sessions ended, connections refused until <see cref="StartAgain"/>.</summary>
    public void Stop() => PgCtl("-m", "fast", "-w", "-t", "50", "stop");

    /// <summary>Starts the stopped server again on its port and data directory; returns once it accepts connections.</summary>
    public void StartAgain() => PgCtl("-l", Path.Combine(root, "server.log"), "-w", "-t", "50", "-o", startOptions, "start");

    /// <summary>The server's log (PostgreSQL's own account of the stops and starts), for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(root, "server.log")) ? File.ReadAllText(Path.Combine(root, "server.log")) : "";

    void PgCtl(params string[] arguments) =>
        ExternalCommand.Run(runAs, [Path.Combine(binDirectory, "pg_ctl"), "-D", DataDirectory, .. arguments]);

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                ExternalCommand.Run(runAs, Path.Combine(binDirectory, "pg_ctl"), "-D", DataDirectory,
                    "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
