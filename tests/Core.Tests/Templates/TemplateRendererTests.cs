using TuningService.Core.Templates;
using static TuningService.Core.Tests.Templates.Records;

namespace TuningService.Core.Tests.Templates;

public class TemplateRendererTests
{
    [Fact]
    public void Options_come_from_the_files_labels_sorted()
    {
        var records = Sentiment();
        var renderer = TemplateRenderer.For(Template("""{"prompt": "Review: {text} Options: {options}. Answer:", "completion": " {label}"}"""), records);
        var example = renderer.Apply(records[0], seed: 1);
        Assert.Equal("Review: a gorgeous film Options: negative, positive. Answer:", example.Prompt);
        Assert.Equal(" positive", example.Completion);
    }

    [Fact]
    public void A_records_own_options_win_and_values_fill_every_record()
    {
        var records = Sentiment();
        records[1] = Of(2, ("text", "it 's just filler"), ("label", "negative"), ("options", "bad, good"));
        var renderer = TemplateRenderer.For(Template("""{"prompt": "{text} ({options})", "completion": " {label}"}"""), records);
        Assert.Equal("it 's just filler (bad, good)", renderer.Apply(records[1], 0).Prompt);

        var translation = TemplateRenderer.For(Template("""{"name": "translation", "values": {"source_language": "English", "target_language": "German"}}"""), []);
        var example = translation.Apply(Of(9, ("source", "a dog"), ("target", "ein Hund")), seed: 3);
        Assert.Contains("a dog", example.Prompt);
        Assert.Contains("English", example.Prompt);
        Assert.Contains("German", example.Prompt);
        Assert.Equal(" ein Hund", example.Completion);
    }

    [Fact]
    public void Mapped_fields_are_read_from_the_record_without_their_surrounding_spaces()
    {
        // An OpenAI-style completion carries its own leading space; the template's " {answer}" must not double it.
        var template = Template("""{"name": "open_qa", "fields": {"question": "prompt", "answer": "completion"}}""");
        var record = Of(4, ("prompt", "Which magazine was started first?"), ("completion", " Arthur's Magazine"));
        var example = TemplateRenderer.For(template, [record]).Apply(record, seed: 11);
        Assert.Equal(" Arthur's Magazine", example.Completion);
        Assert.Contains("Which magazine was started first?", example.Prompt);
        Assert.DoesNotContain("{", example.Prompt);
    }

    [Fact]
    public void The_phrasing_depends_on_seed_and_position_only()
    {
        var template = Template("\"sentiment\"");
        var all = Sentiment();
        var whole = TemplateRenderer.For(template, all);
        // The same record among other records, in another order, renders the same.
        var part = TemplateRenderer.For(template, [all[4], all[2], .. all]);
        foreach (var record in all)
            Assert.Equal(whole.Apply(record, 5), part.Apply(record, 5));
        var phrasings = all.Select(r => template.Template.Phrasings[whole.PhrasingIndex(r, 5)]).ToList();
        for (var i = 0; i < all.Count; i++)
            Assert.Equal(phrasings[i].Completion.Text.Replace("{label}", all[i].Fields["label"]), whole.Apply(all[i], 5).Completion);
        var seeds = Enumerable.Range(0, 50).Select(seed => whole.PhrasingIndex(all[0], seed)).Distinct().Count();
        Assert.Equal(template.Template.Phrasings.Count, seeds);
    }

    [Fact]
    public void A_missing_field_names_the_field_and_the_records_fields()
    {
        var record = Of(3, ("prompt", "x"), ("completion", " y"));
        var renderer = TemplateRenderer.For(Template("\"open_qa\""), [record]);
        var problem = renderer.Problem(record)!;
        Assert.Contains("template 'open_qa' needs the field 'question'", problem);
        Assert.Contains("completion, prompt", problem);
        Assert.Contains("\"fields\": {\"question\"", problem);
        Assert.Throws<InvalidDataException>(() => renderer.Apply(record, 0));
    }

    [Fact]
    public void A_mapped_field_the_record_lacks_names_the_mapping()
    {
        var record = Of(1, ("q", "why?"), ("a", "because"));
        var problem = TemplateRenderer.For(Template("""{"name": "open_qa", "fields": {"question": "query", "answer": "a"}}"""), [record]).Problem(record)!;
        Assert.Contains("reads 'question' from the field 'query'", problem);
    }

    [Fact]
    public void Free_text_labels_give_no_options()
    {
        List<TuningService.Core.Files.DatasetRecord> records = [Of(1, ("text", "a"), ("label", "one")), Of(2, ("text", "b"), ("label", "two"))];
        var renderer = TemplateRenderer.For(Template("\"classification\""), records);
        Assert.Null(renderer.FileOptions);
        Assert.Contains("needs 'options'", renderer.Problem(records[0]));
    }

    [Fact]
    public void Chat_records_cannot_be_templated()
    {
        var chat = Chat(1);
        Assert.Contains("chat records cannot be templated", TemplateRenderer.For(Template("\"open_qa\""), [chat]).Problem(chat));
    }
}
