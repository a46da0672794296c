using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>/v1/files: upload (validated while it streams in), list, retrieve, content (the exact bytes), delete.</summary>
public static class FilesApi
{
    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/v1/files").WithTags("Files");
        files.MapPost("/", UploadFile.Handle)
            .Accepts<UploadFileForm>("multipart/form-data")
            .WithSummary("Upload a dataset: JSONL, a JSON array, CSV or TSV (purpose=fine-tune)")
            .WithDescription("Records: {\"prompt\",\"completion\"}, chat {\"messages\": [...]}, Alpaca {\"instruction\",\"input\",\"output\"} " +
                "or {\"text\"}, as JSON Lines or one JSON array; or CSV/TSV rows with a header, made into prompt/completion by " +
                "prompt_template, completion_template and label_map (e.g. \"Review: {sentence} Sentiment:\", \" {label}\", " +
                "{\"0\":\"negative\",\"1\":\"positive\"}). The layout is detected unless `format` says it. The file is validated " +
                "as it streams in: a bad record is answered with 400 naming its line, element or row; a file over the size limit " +
                "with 413; nothing is stored then. The file object says its format, container and record_count.");
        files.MapGet("/", List).WithSummary("List your files, newest first (cursor `after`, `limit`, `order`, `purpose`)");
        files.MapGet("/{file_id}", Retrieve).WithSummary("Get a file object");
        files.MapGet("/{file_id}/content", Content).WithSummary("Download a file's exact bytes");
        files.MapGet("/{file_id}/stats", FileStatsEndpoint.Handle).WithSummary("Token counts (in a model's tokens), truncation, labels and tasks of a dataset file");
        files.MapDelete("/{file_id}", Delete).WithSummary("Delete a file that no unfinished job uses");
        CleanFileEndpoint.Map(files);
        SplitFileEndpoint.Map(files);
        FileReportEndpoint.Map(files);
        return app;
    }

    static async Task<ListResponse<FileResponse>> List(HttpContext http, TuningDbContext db, string? purpose, string? after,
        int? limit, string? order, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var take = ListResponse.Limit(limit, 10_000, 10_000);
        var ascending = order switch
        {
            null or "desc" => false,
            "asc" => true,
            _ => throw ApiException.BadRequest($"order must be 'asc' or 'desc', got '{order}'.", "order"),
        };
        var query = db.Files.AsNoTracking().Where(f => f.Owner == owner);
        if (purpose is not null) query = query.Where(f => f.Purpose == purpose);
        if (after is not null)
        {
            var cursor = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == after && f.Owner == owner, ct)
                ?? throw ApiException.BadRequest($"after: no file '{after}'.", "after");
            query = ascending
                ? query.Where(f => f.CreatedAt > cursor.CreatedAt || (f.CreatedAt == cursor.CreatedAt && string.Compare(f.Id, cursor.Id) > 0))
                : query.Where(f => f.CreatedAt < cursor.CreatedAt || (f.CreatedAt == cursor.CreatedAt && string.Compare(f.Id, cursor.Id) < 0));
        }
        query = ascending ? query.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id) : query.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id);
        var page = await query.Take(take + 1).ToListAsync(ct);
        return ListResponse.Of(page.Take(take).Select(FileResponse.From).ToList(), page.Count > take, f => f.Id);
    }

    static async Task<FileResponse> Retrieve(string file_id, HttpContext http, TuningDbContext db, CancellationToken ct) =>
        FileResponse.From(await FindOwnedAsync(db, file_id, Caller.From(http).Owner, ct));

    static async Task<IResult> Content(string file_id, HttpContext http, TuningDbContext db, DataPaths paths, ArtifactMirror mirror, CancellationToken ct)
    {
        var file = await FindOwnedAsync(db, file_id, Caller.From(http).Owner, ct);
        var contentType = file.Filename.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv" : "application/octet-stream";
        var lease = mirror.Cache.Lease(file.RelativePath); // this machine's copy stays while it is sent
        http.Response.RegisterForDispose(lease);
        var local = paths.Resolve(file.RelativePath);
        if (!mirror.IsActive || File.Exists(local))
        {
            mirror.Cache.Touch(file.RelativePath);
            return Results.File(local, contentType, file.Filename);
        }
        lease.Dispose();
        // Uploaded or written on another machine: streamed from the artifact store, not fetched to disk first.
        return new ArtifactDownloadResult(await mirror.OpenReadAsync(file.RelativePath, ct), contentType, file.Filename);
    }

    static async Task<FileDeletedResponse> Delete(string file_id, HttpContext http, TuningDbContext db, DataPaths paths, ArtifactMirror mirror,
        CancellationToken ct)
    {
        var file = await FindOwnedAsync(db, file_id, Caller.From(http).Owner, ct);
        var users = await UnfinishedJobs.UsingFileAsync(db, file.Id, ct);
        if (users.Count > 0)
            throw new ApiException(409,
                $"File {file.Id} is used by {(users.Count == 1 ? "a job" : $"{users.Count} jobs")} that {(users.Count == 1 ? "has" : "have")} not finished: " +
                $"{UnfinishedJobs.Describe(users)}. Cancel {(users.Count == 1 ? "it" : "them")} (POST /v1/fine_tuning/jobs/{{id}}/cancel) " +
                "or wait until they finish, then delete the file.", "file_id", "file_in_use");
        db.Files.Remove(file);
        await db.SaveChangesAsync(ct);
        var local = paths.Resolve(file.RelativePath);
        if (File.Exists(local)) File.Delete(local); // a machine that only streamed it from the bucket has no copy (nor files/)
        await mirror.DeleteAsync(file.RelativePath, CancellationToken.None); // the row is gone: its bytes follow, whatever the client does now
        return new FileDeletedResponse(file.Id, true);
    }

    internal static async Task<StoredFile> FindOwnedAsync(TuningDbContext db, string id, string owner, CancellationToken ct) =>
        await db.Files.FirstOrDefaultAsync(f => f.Id == id && f.Owner == owner, ct)
        ?? throw ApiException.NotFound("file", id, "file_id");
}
