using TuningService.Core.Persistence;

namespace TuningService.Api.Health;

/// <summary>GET /healthz: 200 when the database answers, 503 otherwise.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (TuningDbContext db, CancellationToken ct) =>
                await db.Database.CanConnectAsync(ct)
                    ? Results.Ok(new { status = "ok" })
                    : Results.Json(new { status = "database unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("Health").WithSummary("200 when the database is reachable");
        return app;
    }
}
