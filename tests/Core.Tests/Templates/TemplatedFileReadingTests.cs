using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Templates;
using TuningService.Core.Tests.Models;

namespace TuningService.Core.Tests.Templates;

/// <summary>TemplateRenderer.ReadExamples: what a job's session reads its files with.</summary>
public class TemplatedFileReadingTests
{
    static StoredFile Stored(string name, string format = "prompt_completion") => new()
    {
        Id = "file-test", Owner = "test", Filename = name, Purpose = "fine-tune", Sha256 = "", RelativePath = name, Format = format, Container = "jsonl",
    };

    [Fact]
    public void Without_a_template_records_get_their_default_rendering()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "samples", "sst2-sentiment-validation.jsonl");
        Assert.Equal(DatasetReader.ReadExamples(path, Stored("v.jsonl")), TemplateRenderer.ReadExamples(path, Stored("v.jsonl"), null, seed: 1));
    }

    [Fact]
    public void A_template_renders_every_record_of_a_real_file()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "samples", "multitask", "hotpotqa-train.jsonl");
        var template = JobTemplate.FromJson("""[{"prompt": "Question: {prompt} Answer:", "completion": " {completion}"}, {"prompt": "Q: {prompt} A:", "completion": " {completion}"}]""");
        var records = DatasetReader.Read(path, Stored("h.jsonl")).ToList();
        var examples = TemplateRenderer.ReadExamples(path, Stored("h.jsonl"), template, seed: 9);

        Assert.Equal(records.Count, examples.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var question = records[i].Fields["prompt"].Trim();
            Assert.Contains(examples[i].Prompt, new[] { $"Question: {question} Answer:", $"Q: {question} A:" });
            Assert.Equal(" " + records[i].Fields["completion"].Trim(), examples[i].Completion);
        }
        Assert.Equal(2, examples.Select(e => e.Prompt[..2]).Distinct().Count()); // both phrasings are used
        Assert.Equal(examples, TemplateRenderer.ReadExamples(path, Stored("h.jsonl"), template, seed: 9));
    }

    [Fact]
    public void A_record_that_cannot_be_rendered_fails_naming_its_line()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("chat.jsonl");
        File.WriteAllText(path, """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}""" + "\n");
        var error = Assert.Throws<InvalidDataException>(() => TemplateRenderer.ReadExamples(path, Stored("chat.jsonl", "chat"), JobTemplate.FromJson("\"open_qa\""), 0));
        Assert.Contains("line 1 of chat.jsonl", error.Message);
        Assert.Contains("chat records cannot be templated", error.Message);
    }
}
