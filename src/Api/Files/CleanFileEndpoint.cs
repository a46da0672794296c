using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Api.Quotas;
using TuningService.Core.Catalog;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Datasets;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>
/// POST /v1/files/{file_id}/clean: a new file (derivation "cleaned", parent = the file) holding the file's records
/// cleaned by <see cref="DatasetCleaner"/>, and the report of every rule; the original is not changed.
/// </summary>
public static class CleanFileEndpoint
{
    public const string DefaultModel = "babyllama-tinystories";

    public static void Map(RouteGroupBuilder files) =>
        files.MapPost("/{file_id}/clean", Handle)
            .WithSummary("Clean a dataset into a new file, with a report")
            .WithDescription("Rules, in order: Unicode normalisation (NFC by default) and whitespace trimming/collapsing " +
                "(the space between prompt and completion is kept); empty records; exact duplicates; duplicates ignoring case, " +
                "whitespace and punctuation (the first kept); conflicts (same prompt, different completions: reported, dropped " +
                "with drop_conflicts); examples over max_tokens counted in the model's tokens as training frames them " +
                "(truncate | drop | keep). The new file is JSONL in the source's format (CSV/TSV rows become prompt/completion), " +
                "linked by parent_file_id. The report counts each rule with examples; GET /v1/files/{id}/report returns it later.");

    public static async Task<CleanFileResponse> Handle(string file_id, CleanFileRequest? request, HttpContext http, TuningDbContext db,
        DataPaths paths, ArtifactMirror mirror, ModelCatalog catalog, DatasetOperationGate gate, OwnerQuotas quotas, CancellationToken ct)
    {
        request ??= new CleanFileRequest();
        var owner = Caller.From(http).Owner;
        var options = Options(request);
        var source = await FilesApi.FindOwnedAsync(db, file_id, owner, ct);
        var modelId = string.IsNullOrWhiteSpace(request.Model) ? DefaultModel : request.Model;
        var model = await catalog.FindLocalAsync(db, modelId, owner, ct)
            ?? throw new ApiException(400, $"Model '{modelId}' does not exist or you do not have access to it; its tokens measure example lengths. GET /v1/models lists the models.", "model", "model_not_found");
        var lengths = Lengths(model, request.MaxTokens);
        var records = DatasetSource.Read(paths, source);
        using var fileLease = await mirror.LeaseLocalFileAsync(source.RelativePath, ct); // uploaded through another machine; kept while read

        // Streamed: the records are read twice and the kept ones written as they are decided (DatasetCleaner).
        var plan = new DerivedFilePlan(Ids.New("file"), DerivedFileStore.DerivedName(source, "cleaned"), "cleaned", null);
        var (staged, cleaning) = await gate.RunAsync(token =>
        {
            CleaningReport? report = null;
            var staged = DerivedFileStore.Write(paths, source, [plan],
                writers => report = DatasetCleaner.Clean(() => records, options, lengths, writers[0].Add, token));
            return (staged, report!);
        }, ct);
        using (staged)
        {
            var report = cleaning with { Model = model.Id };
            if (report.RecordsAfter == 0)
                throw ApiException.BadRequest($"Cleaning would remove all {report.RecordsBefore} records ({Removals(report)}); nothing was stored.", "file_id");
            var stored = await DerivedFileStore.SaveAsync(db, paths, mirror, source, staged, report.ToJson(), quotas, ct);
            return new CleanFileResponse(FileResponse.From(stored[0]), JsonSerializer.SerializeToElement(report, ReportJson.Options));
        }
    }

    static CleaningOptions Options(CleanFileRequest request)
    {
        var defaults = new CleaningOptions();
        if (request.ReportExamples is < 0 or > CleaningOptions.MaxReportExamples)
            throw ApiException.BadRequest($"report_examples must be between 0 and {CleaningOptions.MaxReportExamples}, got {request.ReportExamples}.", "report_examples");
        return new CleaningOptions
        {
            Unicode = request.UnicodeNormalization?.ToLowerInvariant() switch
            {
                null => defaults.Unicode,
                "nfc" => UnicodeNormalization.Nfc,
                "nfkc" => UnicodeNormalization.Nfkc,
                "none" => UnicodeNormalization.None,
                _ => throw ApiException.BadRequest($"unicode_normalization must be \"nfc\", \"nfkc\" or \"none\", got \"{request.UnicodeNormalization}\".", "unicode_normalization"),
            },
            TrimWhitespace = request.TrimWhitespace ?? defaults.TrimWhitespace,
            CollapseWhitespace = request.CollapseWhitespace ?? defaults.CollapseWhitespace,
            DropEmpty = request.DropEmpty ?? defaults.DropEmpty,
            DropDuplicates = request.DropDuplicates ?? defaults.DropDuplicates,
            DropNormalizedDuplicates = request.DropNormalizedDuplicates ?? defaults.DropNormalizedDuplicates,
            DropConflicts = request.DropConflicts ?? defaults.DropConflicts,
            LongExamples = request.LongExamples?.ToLowerInvariant() switch
            {
                null => defaults.LongExamples,
                "truncate" => LongExampleAction.Truncate,
                "drop" => LongExampleAction.Drop,
                "keep" => LongExampleAction.Keep,
                _ => throw ApiException.BadRequest($"long_examples must be \"truncate\", \"drop\" or \"keep\", got \"{request.LongExamples}\".", "long_examples"),
            },
            ReportExamples = request.ReportExamples ?? defaults.ReportExamples,
        };
    }

    static ExampleTokenCounter Lengths(CatalogModel model, int? maxTokens)
    {
        ExampleTokenCounter lengths;
        try
        {
            lengths = ExampleTokenCounter.ForModelFolder(model.Directory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            throw ApiException.BadRequest($"The tokenizer of model '{model.Id}' cannot be loaded to measure lengths: {e.Message}", "model");
        }
        if (maxTokens is not { } limit) return lengths;
        if (limit < 1 || limit > lengths.ContextLength)
            throw ApiException.BadRequest($"max_tokens must be between 1 and the context of '{model.Id}' ({lengths.ContextLength} tokens), got {limit}.", "max_tokens");
        return lengths.WithMaxTokens(limit);
    }

    static string Removals(CleaningReport report) =>
        string.Join(", ", report.Rules.Where(r => r.Removed > 0).Select(r => $"{r.Rule}: {r.Removed}"));
}
