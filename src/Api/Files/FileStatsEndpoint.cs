using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Datasets.Statistics;
using TuningService.Core.Files;
using TuningService.Core.MultiTask;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>GET /v1/files/{file_id}/stats?model=&amp;max_seq_length=: token counts, truncation, labels and tasks of a dataset file.</summary>
public static class FileStatsEndpoint
{
    public const string DefaultModel = "babyllama-tinystories";
    const int MinSeqLength = 2, MaxSeqLength = 1 << 20; // the bounds a job's max_seq_length accepts

    /// <summary>
    /// Tokenizing a large file takes seconds to minutes, and people ask again after each tweak elsewhere: results are
    /// kept by what they depend on (file sha256, model folder and the state of its files, limit). A process-wide memo
    /// rather than a registered service, since the key names all it depends on and one instance serves every host.
    /// </summary>
    static readonly MemoryCache Cache = new(new MemoryCacheOptions { SizeLimit = 512 });

    public static async Task<FileStatsResponse> Handle(string file_id, string? model, string? max_seq_length, HttpContext http,
        TuningDbContext db, ModelCatalog catalog, DataPaths paths, ArtifactMirror mirror, DatasetOperationGate gate, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == file_id && f.Owner == owner, ct)
            ?? throw ApiException.NotFound("file", file_id, "file_id");
        if (file.Purpose != "fine-tune")
            throw new ApiException(400, $"File '{file.Id}' has purpose '{file.Purpose}'; statistics are for dataset files (purpose 'fine-tune').",
                "file_id", "invalid_file_purpose");
        var modelId = string.IsNullOrWhiteSpace(model) ? DefaultModel : model;
        var found = await catalog.FindLocalAsync(db, modelId, owner, ct)
            ?? throw new ApiException(404, $"Model '{modelId}' does not exist or you do not have access to it. GET /v1/models lists the models.",
                "model", "model_not_found");
        var limit = ParseMaxSeqLength(max_seq_length);

        var key = $"{file.Sha256}|{Path.GetFullPath(found.Directory)}|{FolderStamp(found.Directory)}|{limit?.ToString(CultureInfo.InvariantCulture) ?? "context"}";
        if (Cache.TryGetValue(key, out DatasetStatistics? known) && known is not null)
            return FileStatsResponse.From(file.Id, found.Id, known, cached: true);

        using var fileLease = await mirror.LeaseLocalFileAsync(file.RelativePath, ct); // uploaded through another machine; kept while read
        // One pass over the records, on a thread of its own, keeping bounded state (DatasetStatistics.Compute).
        var statistics = await gate.RunAsync(token => Compute(file, found, limit, paths, token), ct);
        Cache.Set(key, statistics, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(6) });
        return FileStatsResponse.From(file.Id, found.Id, statistics, cached: false);
    }

    static DatasetStatistics Compute(StoredFile file, CatalogModel model, int? limit, DataPaths paths, CancellationToken ct)
    {
        TrainingFraming framing;
        try
        {
            framing = TrainingFraming.ForModel(model.Directory, limit);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or IOException or ArgumentException)
        {
            throw new ApiException(400, $"Model '{model.Id}' cannot be used to count training tokens: {e.Message}", "model", "model_not_supported");
        }
        try
        {
            return DatasetStatistics.Compute(DatasetReader.Read(paths.Resolve(file.RelativePath), file), framing,
                TaskGrouping.DefaultTaskName(file.Filename), ct);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new ApiException(400, $"File '{file.Id}' cannot be read as training records: {e.Message}", "file_id", "invalid_file");
        }
    }

    static int? ParseMaxSeqLength(string? value)
    {
        if (value is null) return null;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < MinSeqLength or > MaxSeqLength)
            throw ApiException.BadRequest($"max_seq_length must be a whole number of tokens from {MinSeqLength} to {MaxSeqLength}, got '{value}'.", "max_seq_length");
        return n;
    }

    /// <summary>The folder's files by name, size and write time: a model replaced on disk under the same id misses the cache.</summary>
    static string FolderStamp(string folder) => string.Join(",", Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)
        .Select(f => new FileInfo(f)).Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
}
