using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Api.Files;

/// <summary>Reads a stored file's records for cleaning or splitting, answering 400 when it is not a dataset.</summary>
public static class DatasetSource
{
    /// <summary>The file's records, read lazily one at a time each time they are enumerated (the file must stay leased meanwhile).</summary>
    /// <exception cref="ApiException">400 when the file is not a dataset, also while reading when a record cannot be read.</exception>
    public static IEnumerable<DatasetRecord> Read(DataPaths paths, StoredFile file)
    {
        if (file.Format is null)
            throw ApiException.BadRequest($"File {file.Id} (purpose '{file.Purpose}') is not a dataset; clean or split a fine-tune file.", "file_id");
        return Records(paths.Resolve(file.RelativePath), file);
    }

    static IEnumerable<DatasetRecord> Records(string path, StoredFile file)
    {
        using var records = OrBadRequest(file, () => DatasetReader.Read(path, file).GetEnumerator());
        while (OrBadRequest(file, records.MoveNext))
            yield return records.Current;
    }

    static T OrBadRequest<T>(StoredFile file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest($"File {file.Id} cannot be read as a dataset: {e.Message}", "file_id");
        }
    }
}
