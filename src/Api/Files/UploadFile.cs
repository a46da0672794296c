using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Api.Files;

/// <summary>
/// POST /v1/files. The multipart body is streamed: the file part is written to a temporary file while it is
/// validated and hashed, so a bad line is found without buffering the upload. Only a valid file is moved into
/// place and recorded; anything else leaves nothing behind.
/// </summary>
public static class UploadFile
{
    const string FineTunePurpose = "fine-tune";

    public static async Task<FileResponse> Handle(HttpContext http, TuningDbContext db, DataPaths paths, TuningOptions options, CancellationToken ct)
    {
        var caller = Caller.From(http);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = options.MaxUploadBytes + 1024 * 1024; // the file plus the multipart envelope
        var boundary = MultipartBoundary.From(http.Request.ContentType, "Upload files as multipart/form-data with fields 'file' and 'purpose'.", "file");
        var reader = new MultipartReader(boundary, http.Request.Body);

        string? purpose = null, filename = null, tempPath = null;
        FineTuneUploadResult? upload = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = disposition.Name.Value?.Trim('"');
                if (name == "purpose")
                    purpose = (await new StreamReader(section.Body).ReadToEndAsync(ct)).Trim();
                else if (name == "file" && upload is null)
                {
                    filename = SafeFilename(disposition.FileName.Value ?? disposition.FileNameStar.Value);
                    tempPath = Path.Combine(paths.Temp, Guid.NewGuid().ToString("N"));
                    await using var temp = File.Create(tempPath);
                    upload = await FineTuneUpload.CopyAndValidateAsync(new LengthLimitedStream(section.Body, options.MaxUploadBytes), temp, null, ct);
                }
            }
            if (upload is null || filename is null)
                throw ApiException.BadRequest("The form has no 'file' field. Send multipart/form-data with a 'file' and purpose=fine-tune.", "file");
            if (purpose is null)
                throw ApiException.BadRequest("The form has no 'purpose' field; use purpose=fine-tune.", "purpose");
            if (purpose != FineTunePurpose)
                throw ApiException.BadRequest($"purpose '{purpose}' is not supported; this service accepts purpose=fine-tune.", "purpose");
            if (!upload.Validation.IsValid)
                throw new ApiException(400, InvalidFileMessage(upload.Validation), "file", "invalid_file_format");

            var id = Ids.New("file");
            var file = new StoredFile
            {
                Id = id, Owner = caller.Owner, Filename = filename, Purpose = purpose, Bytes = upload.Bytes,
                CreatedAt = Clock.Now(), Sha256 = upload.Sha256, Format = upload.Validation.Format?.ToWireName(), Container = "jsonl",
                RecordCount = (int)upload.Validation.RecordCount, RelativePath = DataPaths.FileRelativePath(id),
            };
            var finalPath = paths.EnsureParent(file.RelativePath);
            File.Move(tempPath!, finalPath);
            tempPath = null;
            try
            {
                db.Files.Add(file);
                await db.SaveChangesAsync(ct);
            }
            catch
            {
                File.Delete(finalPath); // no record, no bytes
                throw;
            }
            return FileResponse.From(file);
        }
        finally
        {
            if (tempPath is not null) File.Delete(tempPath);
        }
    }

    /// <summary>Keeps only the last path segment and refuses control characters, so a name can never point elsewhere.</summary>
    static string SafeFilename(string? raw)
    {
        var name = Path.GetFileName((raw ?? "").Trim('"').Replace('\\', '/'));
        if (string.IsNullOrWhiteSpace(name)) throw ApiException.BadRequest("The uploaded file has no file name.", "file");
        if (name.Any(char.IsControl)) throw ApiException.BadRequest("The file name contains control characters.", "file");
        return name.Length > 255 ? name[..255] : name;
    }

    static string InvalidFileMessage(FineTuneValidationResult result)
    {
        var shown = string.Join("; ", result.Errors.Select(e => e.Message));
        var more = result.ErrorCount > result.Errors.Count ? $" ({result.ErrorCount - result.Errors.Count} more not shown)" : "";
        return $"Invalid file: {result.ErrorCount} problem(s) found, nothing was stored. {shown}{more}";
    }
}
