using System.Security.Cryptography;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Reads evaluation data: stored files through the job's own rendering (templates included), and the plain text of
/// a built-in set. A file in the "text" format (<c>{"text": ...}</c>) is plain text: its examples have an empty
/// prompt and the text as completion, as DatasetRecord renders them.
/// </summary>
public static class EvaluationDataReader
{
    /// <param name="readExamples">The job's reader: the file's records rendered as training renders them.</param>
    public static EvaluationDataset Read(StoredFile file, Func<StoredFile, IReadOnlyList<TrainingExample>> readExamples, string defaultTask)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(readExamples);
        return new EvaluationDataset(file.Id, file.Filename, file.Sha256, KindOf(file), readExamples(file), defaultTask);
    }

    /// <summary>A JSONL file of <c>{"text": ...}</c> lines outside the file store (a built-in set), read as DatasetReader reads text files.</summary>
    public static EvaluationDataset ReadText(string id, string path, string defaultTask)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        var file = new StoredFile
        {
            Id = id, Owner = "system", Filename = Path.GetFileName(path), Purpose = "fine-tune", Sha256 = sha, RelativePath = path,
            Format = FineTuneFormat.Text.ToWireName(), Container = DatasetContainer.Jsonl.ToWireName(),
        };
        return new EvaluationDataset(id, file.Filename, sha, EvaluationDataKind.Text, DatasetReader.ReadExamples(path, file), defaultTask);
    }

    static EvaluationDataKind KindOf(StoredFile file) =>
        file.Format == FineTuneFormat.Text.ToWireName() ? EvaluationDataKind.Text : EvaluationDataKind.Instruction;
}
