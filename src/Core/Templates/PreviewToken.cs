namespace TuningService.Core.Templates;

/// <summary>One token of a previewed example: its id, the text it adds, and whether the loss is taken on it.</summary>
public sealed record PreviewToken(int Id, string Text, bool Loss);
