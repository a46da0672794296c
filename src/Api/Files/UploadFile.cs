using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TuningService.Api.Infrastructure;
using TuningService.Api.Quotas;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>
/// POST /v1/files. The multipart body is streamed: the file part is written to a temporary file while it is
/// validated and hashed, so a bad record is found without buffering the upload. Only a valid file is moved into
/// place and recorded; anything else leaves nothing behind.
/// <para>
/// With an artifact store other than the data directory (Tuning:Storage:Kind=s3) the same bytes also go to the
/// bucket as they are read (<see cref="ArtifactMirror.BeginUploadAsync"/>: a multipart upload of 8 MiB parts sent
/// while the next fills), so nothing is pushed after the validation. A refused file aborts that upload: the
/// bucket keeps nothing. The local copy stays in the data directory as the cache of the object (bounded by
/// Tuning:LocalCacheBytes). The order, and what a crash between two steps leaves: the object is completed, then the
/// local copy renamed into place, then the row committed; a crash before the row leaves an object no row names (as
/// a push did before), a crash mid-upload an incomplete multipart upload that the bucket's lifecycle rule removes.
/// </para>
/// </summary>
/// <remarks>
/// The read options (format, prompt_template, completion_template, label_map, task_column, id_column) are used while
/// the file streams in when they come before the file part, as clients send fields in the order given. When one
/// comes after it, the temporary copy is validated again with all of them, so the order never changes the answer.
/// </remarks>
public static class UploadFile
{
    const string FineTunePurpose = "fine-tune";
    const int MaxFieldChars = 64 * 1024;

    static readonly string[] ReadOptionFields = ["format", "prompt_template", "completion_template", "label_map", "task_column", "id_column"];

    public static async Task<FileResponse> Handle(HttpContext http, TuningDbContext db, DataPaths paths, ArtifactMirror mirror, TuningOptions options,
        OwnerQuotas quotas, CancellationToken ct)
    {
        var caller = Caller.From(http);
        await quotas.EnsureStorageLeftAsync(db, caller.Owner, ct);
        // The file, the multipart envelope, and what the multipart reader may have read ahead of the file part when
        // LengthLimitedStream finds it too large: so that the answer is always LengthLimitedStream's 413.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = options.MaxUploadBytes + 1024 * 1024 + DatasetValidation.ChunkBytes;
        var boundary = MultipartBoundary.From(http.Request.ContentType, "Upload files as multipart/form-data with fields 'file' and 'purpose'.", "file");
        // The reader's buffer bounds every read of a part (its default of 4 KiB made an upload 50,000 small reads, each
        // with its own write to disk); as large as the chunks the validation reads.
        var reader = new MultipartReader(boundary, http.Request.Body, DatasetValidation.ChunkBytes);

        string? purpose = null, filename = null, tempPath = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        bool optionsAfterFile = false;
        FineTuneUploadResult? upload = null;
        // Known before the bytes arrive, so that they can stream to their key in the bucket.
        var id = Ids.New("file");
        var relativePath = DataPaths.FileRelativePath(id);
        ArtifactUpload? bucketUpload = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = disposition.Name.Value?.Trim('"');
                if (name == "purpose")
                    purpose = (await ReadFieldAsync(section, name, ct)).Trim();
                else if (name is not null && ReadOptionFields.Contains(name))
                {
                    fields[name] = await ReadFieldAsync(section, name, ct);
                    optionsAfterFile |= upload is not null;
                }
                else if (name == "file" && upload is null)
                {
                    filename = SafeFilename(disposition.FileName.Value ?? disposition.FileNameStar.Value);
                    var readOptions = UploadOptions(filename, fields);
                    tempPath = Path.Combine(paths.Temp, Guid.NewGuid().ToString("N"));
                    await using var temp = File.Create(tempPath);
                    Stream destination = temp;
                    if (mirror.IsActive)
                    {
                        bucketUpload = await mirror.BeginUploadAsync(relativePath, ct);
                        destination = new TeeWriteStream(bucketUpload, temp);
                    }
                    upload = await FineTuneUpload.CopyAndValidateAsync(new LengthLimitedStream(section.Body, options.MaxUploadBytes), destination, readOptions, null, ct);
                }
            }
            if (upload is null || filename is null)
                throw ApiException.BadRequest("The form has no 'file' field. Send multipart/form-data with a 'file' and purpose=fine-tune.", "file");
            if (purpose is null)
                throw ApiException.BadRequest("The form has no 'purpose' field; use purpose=fine-tune.", "purpose");
            if (purpose != FineTunePurpose)
                throw ApiException.BadRequest($"purpose '{purpose}' is not supported; this service accepts purpose=fine-tune.", "purpose");
            if (optionsAfterFile)
            {
                await using var stored = File.OpenRead(tempPath!);
                upload = upload with { Validation = await DatasetValidation.ValidateAsync(stored, UploadOptions(filename, fields), null, ct) };
            }
            if (!upload.Validation.IsValid)
                throw new ApiException(400, InvalidFileMessage(upload.Validation), "file", "invalid_file_format");

            var validation = upload.Validation;
            var file = new StoredFile
            {
                Id = id, Owner = caller.Owner, Filename = filename, Purpose = purpose, Bytes = upload.Bytes,
                CreatedAt = Clock.Now(), Sha256 = upload.Sha256, Format = validation.Format?.ToWireName(),
                Container = validation.Container.ToWireName(), ReadOptionsJson = validation.ReadOptions?.ToJson(),
                RecordCount = (int)validation.RecordCount, RelativePath = relativePath,
            };
            if (bucketUpload is not null)
            {
                // Stored before the row, like a push: a worker on another machine reads the file from the bucket.
                await bucketUpload.CompleteAsync(ct);
                await bucketUpload.DisposeAsync();
                bucketUpload = null;
            }
            var finalPath = paths.EnsureParent(file.RelativePath);
            File.Move(tempPath!, finalPath);
            tempPath = null;
            try
            {
                await quotas.AddFilesAsync(db, caller.Owner, [file], ct);
            }
            catch
            {
                File.Delete(finalPath); // no record, no bytes
                await mirror.DeleteAsync(file.RelativePath, CancellationToken.None); // nothing to do with Kind=local
                throw;
            }
            mirror.Cache.Record(file.RelativePath);
            return FileResponse.From(file);
        }
        finally
        {
            if (bucketUpload is not null) await bucketUpload.DisposeAsync(); // not completed: aborted, the bucket keeps nothing
            if (tempPath is not null) File.Delete(tempPath);
        }
    }

    static DatasetUploadOptions UploadOptions(string filename, Dictionary<string, string> fields)
    {
        try
        {
            return DatasetUploadOptions.FromForm(filename, fields.GetValueOrDefault("format"), fields.GetValueOrDefault("prompt_template"),
                fields.GetValueOrDefault("completion_template"), fields.GetValueOrDefault("label_map"),
                fields.GetValueOrDefault("task_column"), fields.GetValueOrDefault("id_column"));
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest(ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal), ex.ParamName);
        }
    }

    /// <summary>A text field of the form, refused past 64K characters (a template or label map is far smaller).</summary>
    static async Task<string> ReadFieldAsync(MultipartSection section, string name, CancellationToken ct)
    {
        using var text = new StreamReader(section.Body, Encoding.UTF8);
        var buffer = new char[MaxFieldChars + 1];
        int length = 0, read;
        while (length < buffer.Length && (read = await text.ReadAsync(buffer.AsMemory(length), ct)) > 0)
            length += read;
        if (length > MaxFieldChars)
            throw ApiException.BadRequest($"The form field '{name}' is longer than {MaxFieldChars:N0} characters.", name);
        return new string(buffer, 0, length);
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
