using System.Text.Json;
using TuningService.Core.Templates;

namespace TuningService.Core.Tests.Templates;

public class JobTemplateTests
{
    [Fact]
    public void A_name_is_a_library_template()
    {
        var template = JobTemplate.FromJson("\"sentiment\"")!;
        Assert.Equal("sentiment", template.Template.Name);
        Assert.Empty(template.FieldMap);
    }

    [Fact]
    public void A_name_with_fields_and_values_maps_record_fields()
    {
        var template = JobTemplate.FromJson("""{"name": "translation", "fields": {"source": "en", "target": "de"}, "values": {"source_language": "English", "target_language": "German"}}""")!;
        Assert.Equal("en", template.FieldMap["source"]);
        Assert.Equal("German", template.Values["target_language"]);
    }

    [Fact]
    public void An_object_is_the_jobs_own_template_and_a_list_its_phrasings()
    {
        var one = JobTemplate.FromJson("""{"prompt": "Q: {question} A:", "completion": " {answer}"}""")!;
        Assert.Equal("custom", one.Template.Name);
        Assert.Equal(["question", "answer"], one.Template.Fields);
        var several = JobTemplate.FromJson("""[{"prompt": "Q: {question} A:", "completion": " {answer}"}, {"prompt": "{question} {context}", "completion": " {answer}"}]""")!;
        Assert.Equal(2, several.Template.Phrasings.Count);
        Assert.Equal(["question", "answer", "context"], several.Template.Fields);
    }

    [Fact]
    public void Null_is_no_template() => Assert.Null(JobTemplate.FromJson("null"));

    [Theory]
    [InlineData("\"sentimnt\"", "no template 'sentimnt'")]
    [InlineData("\"sentimnt\"", "sentiment, extractive_qa")]
    [InlineData("42", "library template's name")]
    [InlineData("""{"prompt": "Q: {question A:", "completion": " {answer}"}""", "template.prompt: '{' at character 4 is never closed")]
    [InlineData("""{"prompt": "Q: {question} A:", "completion": " {2answer}"}""", "template.completion: '{2answer}'")]
    [InlineData("""{"prompt": "Q: {question} A:"}""", "template.completion is required")]
    [InlineData("""{"prompt": "Q: {question} A:", "completion": ""}""", "completion is empty")]
    [InlineData("""{"prompt": "Question", "completion": " Answer"}""", "uses no field")]
    [InlineData("""{"prompt": "{q}", "completion": " {a}", "system": "x"}""", "unknown key 'system'")]
    [InlineData("""[]""", "1 to 32")]
    [InlineData("""[{"prompt": "{q}", "completion": " {a}"}, "open_qa"]""", "template[1] must be an object")]
    [InlineData("""{"name": "open_qa", "fields": {"query": "q"}}""", "'query' is not a field of template 'open_qa'; its fields are: question, answer")]
    [InlineData("""{"name": "open_qa", "fields": {"question": ""}}""", "template.fields.question must be a record field's name")]
    [InlineData("""{"name": "open_qa", "fields": {"question": "q"}, "values": {"question": "why?"}}""", "both in fields")]
    [InlineData("""{"name": 3}""", "template.name must be a string")]
    public void A_bad_template_says_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<TemplateException>(() => JobTemplate.FromJson(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_takes_the_request_value_as_is()
    {
        using var document = JsonDocument.Parse("""{"template": "open_qa"}""");
        Assert.Equal("open_qa", JobTemplate.Parse(document.RootElement.GetProperty("template"))!.Template.Name);
    }

    [Fact]
    public void The_fingerprint_changes_with_anything_that_changes_the_text()
    {
        var name = JobTemplate.FromJson("\"open_qa\"")!.Fingerprint();
        Assert.Equal(name, JobTemplate.FromJson("  \"open_qa\" ")!.Fingerprint());
        Assert.Contains("Question: {question} Answer:", name); // the phrasings themselves, not just the name
        Assert.NotEqual(name, JobTemplate.FromJson("""{"name": "open_qa", "fields": {"question": "prompt"}}""")!.Fingerprint());
        Assert.NotEqual(name, JobTemplate.FromJson("""{"name": "open_qa", "values": {"answer": "x"}}""")!.Fingerprint());
        Assert.NotEqual(JobTemplate.FromJson("""{"prompt": "{a}", "completion": " {b}"}""")!.Fingerprint(),
            JobTemplate.FromJson("""{"prompt": "{a}:", "completion": " {b}"}""")!.Fingerprint());
    }
}
