using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Api.Quotas;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>
/// POST /v1/files/{file_id}/split: new files (derivation "split", split train/validation/test, parent = the file)
/// dealt by <see cref="DatasetSplitter"/> under a seed, after setting duplicates aside so no example is in two parts.
/// </summary>
public static class SplitFileEndpoint
{
    public static void Map(RouteGroupBuilder files) =>
        files.MapPost("/{file_id}/split", Handle)
            .WithSummary("Split a dataset into train/validation/test files, seeded and stratified")
            .WithDescription("Ratios default to 0.8/0.1/0.1 and must add up to 1; a part with share 0 gets no file. Exact duplicates and " +
                "duplicates ignoring case, whitespace and punctuation are set aside first (the first kept), so no example is in two parts. " +
                "stratify: auto (tasks for multi-task data, with labels inside classification tasks; labels for classification data; else none), " +
                "label, task or none. The same seed on the same file gives the same files.");

    public static async Task<SplitFileResponse> Handle(string file_id, SplitFileRequest? request, HttpContext http, TuningDbContext db,
        DataPaths paths, ArtifactMirror mirror, DatasetOperationGate gate, OwnerQuotas quotas, CancellationToken ct)
    {
        request ??= new SplitFileRequest();
        var ratios = SplitRatios.From(request.Train, request.Validation, request.Test);
        if (ratios.Check() is { } invalid) throw ApiException.BadRequest(invalid.Message, invalid.Param);
        var stratify = request.Stratify?.ToLowerInvariant() switch
        {
            null or "auto" => StratifyBy.Auto,
            "label" => StratifyBy.Label,
            "task" => StratifyBy.Task,
            "none" => StratifyBy.None,
            _ => throw ApiException.BadRequest($"stratify must be \"auto\", \"label\", \"task\" or \"none\", got \"{request.Stratify}\".", "stratify"),
        };
        var source = await FilesApi.FindOwnedAsync(db, file_id, Caller.From(http).Owner, ct);
        var records = DatasetSource.Read(paths, source);
        using var fileLease = await mirror.LeaseLocalFileAsync(source.RelativePath, ct); // uploaded through another machine; kept while read

        var options = new SplitOptions(ratios, request.Seed ?? Random.Shared.Next(), stratify);
        var ids = SplitNames.All.ToDictionary(n => n, _ => Ids.New("file"));
        SplitPlan plan;
        StagedDerivedFiles staged;
        try
        {
            (plan, staged) = await gate.RunAsync(token => Split(records, options, source, ids, paths, token), ct);
        }
        catch (SplitException e)
        {
            throw ApiException.BadRequest(e.Message, e.Param);
        }
        using (staged)
        {
            var report = SplitReport.From(plan, plan.Parts.ToDictionary(p => p.Name, p => ids[p.Name]));
            var files = await DerivedFileStore.SaveAsync(db, paths, mirror, source, staged, report.ToJson(), quotas, ct);
            var parts = plan.Parts.Select((p, i) => new SplitPartResponse(p.Name, FileResponse.From(files[i]), p.Indices.Count, p.Distribution)).ToList();
            return new SplitFileResponse(source.Id, report.Seed, report.StratifiedBy, report.DuplicatesSetAside, parts,
                JsonSerializer.SerializeToElement(report, ReportJson.Options));
        }
    }

    /// <summary>
    /// Two reads of the file: the first plans where each record goes (<see cref="SplitPlanner"/>), the second writes
    /// each part's records, in file order, and counts the prompts that ended up in several parts.
    /// </summary>
    static (SplitPlan, StagedDerivedFiles) Split(IEnumerable<DatasetRecord> records, SplitOptions options, StoredFile source,
        Dictionary<string, string> ids, DataPaths paths, CancellationToken ct)
    {
        var planner = new SplitPlanner();
        foreach (var record in records)
        {
            ct.ThrowIfCancellationRequested();
            planner.Add(RecordText.Render(record));
        }
        var plan = planner.Plan(options);
        var prompts = new PromptsAcrossParts();
        var staged = DerivedFileStore.Write(paths, source,
            [.. plan.Parts.Select(p => new DerivedFilePlan(ids[p.Name], DerivedFileStore.DerivedName(source, p.Name), "split", p.Name))], writers =>
            {
                var next = new int[plan.Parts.Count]; // per part, the place in its (sorted) indices of the next record it takes
                var index = 0;
                foreach (var record in records)
                {
                    ct.ThrowIfCancellationRequested();
                    for (var p = 0; p < plan.Parts.Count; p++)
                    {
                        var indices = plan.Parts[p].Indices;
                        if (next[p] >= indices.Count || indices[next[p]] != index) continue;
                        writers[p].Add(record);
                        prompts.Add(RecordText.Render(record).Prompt, p);
                        next[p]++;
                        break;
                    }
                    index++;
                }
            });
        return (plan with { PromptsInSeveralParts = prompts.Count }, staged);
    }
}
