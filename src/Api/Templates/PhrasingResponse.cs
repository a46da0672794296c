namespace TuningService.Api.Templates;

/// <summary>One phrasing of a template, as written: {field} placeholders in the prompt and the completion.</summary>
public sealed record PhrasingResponse(string Prompt, string Completion);
