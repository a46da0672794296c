using TuningService.Core.Templates;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Templates;

public class TemplateLibraryTests
{
    public static TheoryData<string> Names => [.. TemplateLibrary.All.Select(t => t.Name)];

    [Fact]
    public void Covers_every_task_kind_once_under_distinct_names()
    {
        Assert.Equal(["classification", "extractive_qa", "open_qa", "sentiment", "summarization", "translation"],
            TemplateLibrary.All.Select(t => t.Task).Order(StringComparer.Ordinal));
        Assert.Equal(TemplateLibrary.All.Count, TemplateLibrary.All.Select(t => t.Name).Distinct().Count());
        Assert.Null(TemplateLibrary.Find("no-such-template"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_phrasing_parses_and_uses_exactly_the_declared_fields(string name)
    {
        var template = TemplateLibrary.Find(name)!;
        Assert.True(template.Phrasings.Count >= 5, $"{name} has {template.Phrasings.Count} phrasings");
        Assert.False(string.IsNullOrWhiteSpace(template.Description));
        foreach (var phrasing in template.Phrasings)
        {
            // Re-parsed from the text as written: what GET /v1/templates shows is a valid template.
            var reparsed = TemplatePhrasing.Parse(phrasing.Prompt.Text, phrasing.Completion.Text);
            Assert.Equal(template.Fields.Order(StringComparer.Ordinal), reparsed.Placeholders.Order(StringComparer.Ordinal));
            Assert.NotEmpty(reparsed.Completion.Placeholders);
        }
        Assert.Equal(template.Phrasings.Count, template.Phrasings.Select(p => p.Prompt.Text).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Phrasings_are_one_line_and_the_answer_starts_with_a_space(string name)
    {
        foreach (var phrasing in TemplateLibrary.Find(name)!.Phrasings)
        {
            Assert.DoesNotContain('\n', phrasing.Prompt.Text + phrasing.Completion.Text);
            Assert.DoesNotContain('\r', phrasing.Prompt.Text + phrasing.Completion.Text);
            Assert.StartsWith(" ", phrasing.Completion.Text);
            Assert.False(phrasing.Prompt.Text.EndsWith(' '), $"'{phrasing.Prompt.Text}' ends with a space the completion already has");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_shipped_tokenizer_knows_every_character_of_the_phrasings(string name)
    {
        var tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var template = TemplateLibrary.Find(name)!;
        var fields = template.Fields.ToDictionary(f => f, _ => "word");
        foreach (var phrasing in template.Phrasings)
        {
            var text = phrasing.Prompt.Render(fields) + phrasing.Completion.Render(fields);
            var unknown = tokenizer.Encode(text).Count(id => id == tokenizer.UnkId);
            Assert.True(unknown == 0, $"'{text}' has {unknown} <unk> tokens for babyllama");
        }
    }
}
