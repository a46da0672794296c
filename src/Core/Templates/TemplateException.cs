namespace TuningService.Core.Templates;

/// <summary>A job's template cannot be used (unknown name, bad syntax, a field the records lack); the message says how to fix it.</summary>
public sealed class TemplateException(string message) : Exception(message);
