using Hangfire;
using TuningService.Api.Completions;
using TuningService.Api.Dashboard;
using TuningService.Api.Files;
using TuningService.Api.FineTuningJobs;
using TuningService.Api.Health;
using TuningService.Api.Infrastructure;
using TuningService.Api.Models;
using TuningService.Api.Templates;
using TuningService.Api.Tokenize;
using TuningService.Worker.Hosting;

var app = await StartupFailure.GuardAsync("TuningService.Api", async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    var options = builder.Services.AddTuningServices(builder.Configuration);
    var embedded = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Postgres"));
    if (options.RunWorkerInProcess) builder.Services.AddTuningWorker(options, embeddedStorage: embedded);
    builder.Services.AddOpenAiCompatibleApi();
    builder.Services.AddCompletions();

    var app = builder.Build();
    await StartupStorage.ValidateAsync(app.Services);
    await StartupDatabase.PrepareAsync(app.Services);
    if (options.RunWorkerInProcess) ReconcileJobs.Schedule(app.Services, options);
    StartupBanner.Log(app, options, embedded);

    app.UseOpenAiErrors();
    app.UseMiddleware<ApiKeyMiddleware>();
    app.UseSwagger();
    app.UseSwaggerUI(o => o.DocumentTitle = "TuningService");
    app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
    app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminOnlyDashboardFilter()] });

    app.MapHealth();
    app.MapFiles();
    app.MapFilePreview();
    app.MapFineTuningJobs();
    app.MapModels();
    app.MapCompletions();
    app.MapTokenize();
    app.MapTemplates();
    app.MapDashboard();

    await app.StartAsync();
    return app;
});
if (app is null) return StartupFailure.ExitCode;
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

public partial class Program;
