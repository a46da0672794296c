using TuningService.Core.Templates;

namespace TuningService.Api.Templates;

/// <summary>A library template: its name, task kind, the record fields it fills in, and its phrasings.</summary>
public sealed record TemplateResponse(string Name, string Task, string Description, IReadOnlyList<string> Fields,
    IReadOnlyList<PhrasingResponse> Phrasings)
{
    public string Object => "template";

    public static TemplateResponse From(InstructionTemplate t) => new(t.Name, t.Task, t.Description, t.Fields,
        [.. t.Phrasings.Select(p => new PhrasingResponse(p.Prompt.Text, p.Completion.Text))]);
}
