namespace TuningService.Core.Templates;

/// <summary>
/// A named instruction template: several phrasings of one task, of which each example gets one (chosen by
/// <see cref="PhrasingChoice"/>), as FLAN words each task several ways so that the model learns the task, not one wording.
/// </summary>
/// <param name="Name">The library name (e.g. "sentiment"), or "custom" for a job's own template.</param>
/// <param name="Task">The kind of task (<see cref="TemplateTasks"/>).</param>
/// <param name="Fields">The record fields the phrasings fill in: a record must have all of them.</param>
public sealed record InstructionTemplate(string Name, string Task, string Description, IReadOnlyList<string> Fields,
    IReadOnlyList<TemplatePhrasing> Phrasings)
{
    /// <summary>A job's own phrasings; its fields are those the phrasings use.</summary>
    public static InstructionTemplate Custom(IReadOnlyList<TemplatePhrasing> phrasings) => new(TemplateTasks.Custom, TemplateTasks.Custom,
        "A template given with the job.", [.. phrasings.SelectMany(p => p.Placeholders).Distinct(StringComparer.Ordinal)], phrasings);
}
