using System.Security.Cryptography;
using System.Text.Json;
using TuningService.Core.Files;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Reads evaluation data: stored fine-tune files through the job's own rendering (templates included), and plain
/// text in JSONL (<c>{"text": ...}</c> lines), the shape of the shipped default retention set.
/// </summary>
public static class EvaluationDataReader
{
    /// <param name="readExamples">The job's reader: the file's records rendered as training renders them.</param>
    public static EvaluationDataset Read(StoredFile file, Func<StoredFile, IReadOnlyList<TrainingExample>> readExamples, string defaultTask)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(readExamples);
        return new EvaluationDataset(file.Id, file.Filename, file.Sha256, EvaluationDataKind.Instruction, readExamples(file), defaultTask);
    }

    /// <summary>
    /// A JSONL file of <c>{"text": ...}</c> lines as plain text. Read here rather than through DatasetReader until its
    /// "text" format exists; blank lines are skipped, and a line without a string "text" is an error naming it.
    /// </summary>
    public static EvaluationDataset ReadText(string id, string path, string defaultTask)
    {
        var examples = new List<TrainingExample>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("text", out var text)
                || text.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{Path.GetFileName(path)}, line {number}: expected {{\"text\": \"...\"}}.");
            examples.Add(new TrainingExample("", text.GetString()!));
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        return new EvaluationDataset(id, Path.GetFileName(path), sha, EvaluationDataKind.Text, examples, defaultTask);
    }
}
