using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class AlpacaAndTextFormatTests
{
    [Fact]
    public void Alpaca_records_with_and_without_input_are_valid()
    {
        var result = ValidatorHarness.Validate("""
            {"instruction": "Add the numbers.", "input": "2 and 3", "output": "5"}
            {"instruction": "Name a colour.", "output": "Blue", "id": 7, "task": "colours"}
            {"instruction": "Say hi.", "input": null, "output": "hi"}
            {"instruction": "Say hi.", "input": "", "output": "hi", "id": "a-1"}
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal((FineTuneFormat.Alpaca, 4L), (result.Format, result.RecordCount));
    }

    [Theory]
    [InlineData("""{"instruction": "a"}""", "line 1: missing key 'output'")]
    [InlineData("""{"instruction": "a", "output": " "}""", "line 1: key 'output' must not be empty")]
    [InlineData("""{"instruction": "", "output": "b"}""", "line 1: key 'instruction' must not be empty")]
    [InlineData("""{"instruction": "a", "input": 3, "output": "b"}""", "line 1: key 'input' must be a string, got number")]
    [InlineData("""{"instruction": "a", "output": "b", "id": [1]}""", "line 1: key 'id' must be a string or a number, got array")]
    [InlineData("""{"text": ""}""", "line 1: key 'text' must not be empty")]
    [InlineData("""{"text": 5}""", "line 1: key 'text' must be a string, got number")]
    [InlineData("""{"text": "a", "prompt": "b", "completion": "c"}""", "line 1: record mixes the keys of several formats: 'prompt'/'completion' (prompt_completion) and 'text' (text); use one format")]
    public void Bad_alpaca_or_text_record_names_its_line_and_problem(string line, string expected)
    {
        var error = ValidatorHarness.SingleError(ValidatorHarness.Validate(line + "\n"));

        Assert.Equal(expected, error.Message);
        Assert.Equal(1, error.Position);
    }

    [Fact]
    public void A_required_format_checks_only_its_keys_and_rejects_others()
    {
        const string file = """
            {"text": "Once upon a time.", "source": "stories", "prompt": "ignored"}
            {"instruction": "Say hi.", "output": "hi"}
            """;

        var result = new FineTuneFileValidator(requiredFormat: FineTuneFormat.Text);
        result.Feed(System.Text.Encoding.UTF8.GetBytes(file));
        var outcome = result.Complete();

        Assert.Equal(1, outcome.RecordCount);
        Assert.Equal(FineTuneFormat.Text, outcome.Format);
        Assert.Equal("line 2: missing key 'text'", ValidatorHarness.SingleError(outcome).Message);
    }

    [Fact]
    public void Alpaca_renders_with_the_documented_prompt()
    {
        var withInput = new DatasetRecord(1, FineTuneFormat.Alpaca,
            new Dictionary<string, string> { ["instruction"] = "Add the numbers.", ["input"] = "2 and 3", ["output"] = "5" }, null, Task: "math");
        var withoutInput = withInput with { Fields = new Dictionary<string, string> { ["instruction"] = "Name a colour.", ["input"] = " ", ["output"] = "Blue" } };

        Assert.Equal(new TrainingExample("Instruction: Add the numbers. Input: 2 and 3 Response:", " 5", "math"), withInput.ToExample());
        Assert.Equal(new TrainingExample("Instruction: Name a colour. Response:", " Blue", "math"), withoutInput.ToExample());
    }

    [Fact]
    public void Text_renders_as_an_empty_prompt_and_the_whole_text()
    {
        var record = new DatasetRecord(3, FineTuneFormat.Text, new Dictionary<string, string> { ["text"] = "Tom had a red ball." }, null);

        Assert.Equal(new TrainingExample("", "Tom had a red ball."), record.ToExample());
    }
}
