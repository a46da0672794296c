using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class PromptTemplateTests
{
    [Fact]
    public void Renders_placeholders_from_fields_and_keeps_escaped_braces()
    {
        var template = PromptTemplate.Parse("Review: {sentence} {{not a field}} Sentiment:");
        Assert.Equal(["sentence"], template.Placeholders);
        Assert.Equal("Review: good film {not a field} Sentiment:",
            template.Render(new Dictionary<string, string> { ["sentence"] = "good film" }));
    }

    [Fact]
    public void A_missing_field_is_an_error_naming_it()
    {
        var template = PromptTemplate.Parse("{instruction} {input}");
        var fields = new Dictionary<string, string> { ["instruction"] = "x" };
        Assert.Equal(["input"], template.MissingFields(fields));
        var error = Assert.Throws<KeyNotFoundException>(() => template.Render(fields));
        Assert.Contains("'{input}'", error.Message);
        Assert.Contains("instruction", error.Message);
    }

    [Theory]
    [InlineData("Answer: {", "never closed")]
    [InlineData("Answer: }", "closes nothing")]
    [InlineData("Answer: {}", "not a placeholder")]
    [InlineData("Answer: {2x}", "not a placeholder")]
    public void Bad_templates_say_what_is_wrong(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => PromptTemplate.Parse(text)).Message);
}
