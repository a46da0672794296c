using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Api.Files;

/// <summary>Reads a stored file's records for cleaning or splitting, answering 400 when it is not a dataset.</summary>
public static class DatasetSource
{
    public static List<DatasetRecord> ReadRecords(DataPaths paths, StoredFile file)
    {
        if (file.Format is null)
            throw ApiException.BadRequest($"File {file.Id} (purpose '{file.Purpose}') is not a dataset; clean or split a fine-tune file.", "file_id");
        try
        {
            return [.. DatasetReader.Read(paths.Resolve(file.RelativePath), file)];
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest($"File {file.Id} cannot be read as a dataset: {e.Message}", "file_id");
        }
    }
}
