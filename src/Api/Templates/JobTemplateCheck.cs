using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;
using TuningService.Core.Templates;

namespace TuningService.Api.Templates;

/// <summary>
/// A job's `template` at creation: it must parse, and every record of every file the job trains or validates on
/// must render through it, so that a typo or a missing field is a 400 now rather than a failed job later.
/// </summary>
public static class JobTemplateCheck
{
    /// <param name="value">The request's `template`.</param>
    /// <param name="fileIds">The job's training and validation files (already checked to exist); nulls are skipped.</param>
    /// <param name="db">Where the files are recorded.</param>
    /// <param name="http">The request (its services give the data folder).</param>
    /// <param name="owner">Whose files they are.</param>
    /// <param name="ct">Cancels the check.</param>
    /// <exception cref="ApiException">400 with param "template", saying what to fix.</exception>
    public static async Task CheckAsync(JsonElement? value, IEnumerable<string?> fileIds, TuningDbContext db, HttpContext http, string owner,
        CancellationToken ct)
    {
        if (value is not { } json) return;
        var template = ParseOrThrow(json);
        if (template is null) return;
        var paths = http.RequestServices.GetRequiredService<DataPaths>();
        var mirror = http.RequestServices.GetRequiredService<ArtifactMirror>();
        foreach (var id in fileIds.OfType<string>().Where(id => id.Length > 0).Distinct())
        {
            var file = await db.Files.AsNoTracking().FirstAsync(f => f.Id == id && f.Owner == owner, ct);
            using var fileLease = await mirror.LeaseLocalFileAsync(file.RelativePath, ct); // uploaded through another machine; kept while read
            var records = DatasetReader.Read(paths.Resolve(file.RelativePath), file).ToList();
            var renderer = TemplateRenderer.For(template, records);
            foreach (var record in records)
                if (renderer.Problem(record) is { } problem)
                    throw ApiException.BadRequest($"{TemplateRenderer.Locate(file, record)} of {file.Id} ({file.Filename}): {problem}", "template");
        }
    }

    /// <summary>The template <paramref name="json"/> describes, or null for JSON null.</summary>
    /// <exception cref="ApiException">400 with param "template" when it is not a template.</exception>
    public static JobTemplate? ParseOrThrow(JsonElement json)
    {
        try
        {
            return JobTemplate.Parse(json);
        }
        catch (TemplateException e)
        {
            throw ApiException.BadRequest(e.Message, "template");
        }
    }
}
