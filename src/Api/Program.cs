using Hangfire;
using TuningService.Api.Completions;
using TuningService.Api.Dashboard;
using TuningService.Api.Files;
using TuningService.Api.FineTuningJobs;
using TuningService.Api.Infrastructure;
using TuningService.Api.Models;
using TuningService.Api.Quotas;
using TuningService.Api.RateLimits;
using TuningService.Api.RequestIds;
using TuningService.Api.Security;
using TuningService.Api.Templates;
using TuningService.Api.Tokenize;
using TuningService.Api.Webhooks;
using TuningService.Worker.Health;
using TuningService.Worker.Hosting;
using TuningService.Worker.Monitoring;

if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);
var app = await StartupFailure.GuardAsync("TuningService.Api", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Logging.AddTuningLogging();
    var reloadFailures = builder.Configuration.AddApiKeysFile();
    var options = builder.Services.AddTuningServices(builder.Configuration);
    var embedded = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres"));
    if (options.RunWorkerInProcess) builder.Services.AddTuningWorker(options, embeddedStorage: embedded);
    builder.Services.AddOpenAiCompatibleApi();
    builder.Services.AddRequestIds();
    builder.Services.AddApiKeySecurity(reloadFailures);
    builder.Services.AddCompletions();
    builder.Services.AddRequestRateLimits();
    builder.Services.AddOwnerQuotas();
    builder.Services.AddDatasetOperations();
    builder.Services.AddTuningMetrics();
    builder.Services.AddTuningHealthChecks();

    var app = builder.Build();
    await StartupStorage.ValidateAsync(app.Services);
    await StartupDatabase.PrepareAsync(app.Services);
    if (options.RunWorkerInProcess) ReconcileJobs.Schedule(app.Services, options);
    StartupBanner.Log(app, options, embedded);

    app.UseRequestIds();
    app.UseTuningHttpMetrics(); // outside the error handler: it counts the status the caller got
    app.UseOpenAiErrors();
    app.UseMiddleware<ApiKeyMiddleware>();
    app.UseRequestRateLimits();
    app.UseSwagger();
    app.UseSwaggerUI(o => o.DocumentTitle = "TuningService");
    app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
    app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminOnlyDashboardFilter()] });

    app.MapTuningHealth();
    app.MapTuningMetrics(jobGauges: true);
    app.MapFiles();
    app.MapFilePreview();
    app.MapFineTuningJobs();
    app.MapModels();
    app.MapCompletions();
    app.MapTokenize();
    app.MapTemplates();
    app.MapWebhookEndpoints();
    app.MapDashboard();

    await app.StartAsync();
    await AnonymousAccess.EnsureLoopbackOnlyAsync(app, options, app.Services.GetRequiredService<ActiveApiKeys>());
    return app;
});
if (app is null) return StartupFailure.ExitCode;
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

public partial class Program;
