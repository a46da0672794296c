using System.Globalization;
using System.Text;
using TuningService.Core.Persistence;

namespace TuningService.Core.Evaluation;

/// <summary>
/// A job's evaluation as one CSV table (the job's second fine-tune-results file, beside the per-step metrics): a
/// line per evaluated model, dataset and task ("overall" first), with every figure as a column.
/// </summary>
public static class EvaluationCsv
{
    public static string Write(IEnumerable<EvaluationResult> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder("subject,model,step,dataset_role,dataset_id,task,examples,tokens,generated_examples,")
            .Append(string.Join(',', EvaluationFigures.Names)).Append('\n');
        foreach (var row in rows.OrderBy(r => Order(r.Subject)).ThenBy(r => r.Step).ThenBy(r => r.DatasetRole, StringComparer.Ordinal)
                     .ThenBy(r => r.DatasetId, StringComparer.Ordinal))
        {
            var evaluation = EvaluationRows.Read(row);
            foreach (var task in evaluation.Tasks.Prepend(evaluation.Overall))
            {
                var figures = EvaluationFigures.Of(task).ToDictionary(f => f.Metric, f => f.Value);
                csv.AppendJoin(',', new[]
                {
                    row.Subject, Quote(row.Model), row.Step?.ToString(CultureInfo.InvariantCulture) ?? "", row.DatasetRole, Quote(row.DatasetId),
                    Quote(task.Task), Number(task.TeacherForced?.Examples), Number(task.TeacherForced?.Tokens), Number(task.Generated?.Examples),
                }.Concat(EvaluationFigures.Names.Select(n => figures.TryGetValue(n, out var v) ? v.ToString("G9", CultureInfo.InvariantCulture) : ""))).Append('\n');
            }
        }
        return csv.ToString();
    }

    static int Order(string subject) => subject switch
    {
        EvaluationSubjects.Base => 0,
        EvaluationSubjects.Icl => 1,
        EvaluationSubjects.Checkpoint => 2,
        _ => 3,
    };

    static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
