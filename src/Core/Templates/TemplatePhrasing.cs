using TuningService.Core.Files;

namespace TuningService.Core.Templates;

/// <summary>One wording of a template: the prompt the model reads and the completion it learns to write.</summary>
public sealed record TemplatePhrasing(PromptTemplate Prompt, PromptTemplate Completion)
{
    /// <exception cref="FormatException">Either text is not a valid template.</exception>
    public static TemplatePhrasing Parse(string prompt, string completion) => new(PromptTemplate.Parse(prompt), PromptTemplate.Parse(completion));

    /// <summary>The placeholders of prompt and completion together, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders => [.. Prompt.Placeholders.Concat(Completion.Placeholders).Distinct(StringComparer.Ordinal)];
}
