using TuningService.Api.Infrastructure;
using TuningService.Core.Persistence;

namespace TuningService.Api.Files;

/// <summary>GET /v1/files/{file_id}/report: the report stored with a file made by cleaning (what each rule did) or
/// splitting (seed, ratios, strata, duplicates set aside, every part's counts and file id).</summary>
public static class FileReportEndpoint
{
    public static void Map(RouteGroupBuilder files) =>
        files.MapGet("/{file_id}/report", Handle).WithSummary("Get the cleaning or splitting report of a derived file");

    public static async Task<IResult> Handle(string file_id, HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        var file = await FilesApi.FindOwnedAsync(db, file_id, Caller.From(http).Owner, ct);
        if (file.ReportJson is not { } report)
            throw new ApiException(404, $"File {file.Id} has no report: only files made by cleaning or splitting have one.", "file_id", "no_report");
        return Results.Content(report, "application/json");
    }
}
