using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuningService.Core.Configuration;
using TuningService.Worker.Hosting;
using TuningService.Worker.Monitoring;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);
// A worker process: executes fine-tuning jobs from the shared PostgreSQL queue. Run as many as you like.
var host = await StartupFailure.GuardAsync("TuningService.Worker", async () =>
{
    var builder = Host.CreateApplicationBuilder(args);
    // appsettings.json is read from the working directory, which a deployed worker need not run in; without this
    // default every SQL statement would be logged at Information.
    builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
    builder.Logging.AddTuningLogging();
    var options = builder.Services.AddTuningServices(builder.Configuration);
    if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres")))
        throw new StartupException(
            "The worker needs the shared database: set ConnectionStrings__Postgres. (Embedded mode runs the worker inside the API.)");
    builder.Services.AddTuningWorker(options, embeddedStorage: false);
    builder.Services.AddWorkerMonitoring(builder.Configuration);

    var host = builder.Build();
    await StartupStorage.ValidateAsync(host.Services);
    await StartupDatabase.PrepareAsync(host.Services);
    ReconcileJobs.Schedule(host.Services, options);
    await host.StartAsync();
    return host;
});
if (host is null) return StartupFailure.ExitCode;
await host.WaitForShutdownAsync();
host.Dispose();
return 0;

// Internal: with ASP.NET Core referenced, .NET would make the top-level Program public, clashing with the API's
// own public Program that the tests' WebApplicationFactory<Program> names.
internal partial class Program;
