using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TuningService.Api.Files;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;

namespace TuningService.Api.Models;

/// <summary>
/// The archive half of POST /v1/models/import. The upload streams to a temporary file (413 past
/// Tuning:MaxUploadBytes), is extracted safely into a staging folder, must load on the CPU, and is then renamed
/// into {DataDir}/models/{name}. A refused archive leaves nothing behind.
/// </summary>
public static class ImportModelFromArchive
{
    const string Usage = "Send multipart/form-data with a 'file' (a .tar, .tar.gz or .zip of a Hugging Face model folder) and a 'name', or JSON {\"source\": \"hf\", \"repo\": ...}.";

    public static async Task<ModelImportResponse> Handle(HttpContext http, Caller caller, TuningDbContext db, ImportedModels imported,
        TuningOptions options, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = options.MaxUploadBytes + 1024 * 1024; // the archive plus the multipart envelope
        var reader = new MultipartReader(MultipartBoundary.From(http.Request.ContentType, Usage, "file"), http.Request.Body);
        var key = Guid.NewGuid().ToString("N");
        var staging = imported.StagingFolder(key);
        string? name = null, archive = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var field = disposition.Name.Value?.Trim('"');
                if (field == "name")
                    name = (await new StreamReader(section.Body).ReadToEndAsync(ct)).Trim();
                else if (field == "file" && archive is null)
                {
                    archive = Path.Combine(Path.GetDirectoryName(staging)!, $"import-{key}.archive");
                    await using var file = File.Create(archive);
                    await new LengthLimitedStream(section.Body, options.MaxUploadBytes).CopyToAsync(file, ct);
                }
            }
            if (archive is null) throw ApiException.BadRequest($"The form has no 'file' field. {Usage}", "file");
            await ImportName.RequireFreeAsync(name, imported, db, ct);
            // The name is claimed (a row in "verifying") before anything is installed or pushed, so that an import of the
            // same name through another API process is refused and never writes under the same keys in the bucket. A
            // process that dies from here on leaves the row unfinished; a worker's start marks it failed (ModelImportRunner).
            var import = new ModelImport
            {
                Id = Ids.New("modelimport"), Owner = caller.Owner, CreatedAt = Clock.Now(), Name = name!, Source = ModelImportSource.Archive,
                Status = ModelImportStatus.Verifying,
            };
            await ImportName.ClaimAsync(import, imported, db, ct);
            try
            {
                await ArchiveExtractor.ExtractAsync(archive, staging, options.MaxUploadBytes, ct);
                var folder = ModelFolderLocator.Find(staging);
                ModelFolderCheck.Verify(folder);
                var bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                await imported.InstallAsync(folder, name!, ct);
                try
                {
                    import.Status = ModelImportStatus.Succeeded;
                    import.BytesDone = bytes;
                    import.BytesTotal = bytes;
                    import.FinishedAt = Clock.Now();
                    await db.SaveChangesAsync(ct);
                }
                catch
                {
                    await imported.DeleteAsync(name!, CancellationToken.None); // not recorded as succeeded: no model
                    throw;
                }
            }
            catch
            {
                // The claim is released, whatever went wrong: a refused archive leaves no row, as before claims. The
                // refusal itself is answered below.
                db.ChangeTracker.Clear();
                await db.ModelImports.Where(i => i.Id == import.Id).ExecuteDeleteAsync(CancellationToken.None);
                throw;
            }
            return ModelImportResponse.From(import);
        }
        catch (ModelImportException e)
        {
            throw e switch
            {
                { TooLarge: true } => new ApiException(413, e.Message, "file", "file_too_large"),
                { NameTaken: true } => new ApiException(409, e.Message, "name", "model_exists"),
                _ => new ApiException(400, e.Message, "file", "invalid_model"),
            };
        }
        finally
        {
            if (archive is not null) File.Delete(archive);
            ImportedModels.DiscardStaging(staging);
        }
    }
}
