using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class FormatDetectionTests
{
    private static readonly string Tsv = "prompt\tcompletion\na\tb\n";
    private static readonly string Csv = "prompt,completion\na,b\n";

    [Theory]
    [InlineData("{\"text\": \"a\"}\n", null, DatasetContainer.Jsonl)]
    [InlineData("\n  [{\"text\": \"a\"}]", "data.jsonl", DatasetContainer.Json)]
    [InlineData("prompt\tcompletion\na\tb\n", null, DatasetContainer.Tsv)]
    [InlineData("prompt,completion\na,b\n", null, DatasetContainer.Csv)]
    [InlineData("prompt,completion\na,b\n", "x.tsv", DatasetContainer.Tsv)]
    [InlineData("prompt\tcompletion\na\tb\n", "x.CSV", DatasetContainer.Csv)]
    [InlineData("", "x.csv", DatasetContainer.Csv)]
    [InlineData("", null, DatasetContainer.Jsonl)]
    [InlineData("hello world\n", null, DatasetContainer.Jsonl)]
    [InlineData("a,b\n", "x.jsonl", DatasetContainer.Jsonl)]
    public void Auto_detects_the_container(string text, string? filename, DatasetContainer expected)
    {
        var result = DatasetHarness.Validate(text, new DatasetUploadOptions { Filename = filename });

        Assert.Equal(expected, result.Container);
    }

    [Fact]
    public void Detected_files_are_validated_by_their_own_rules()
    {
        Assert.True(DatasetHarness.Validate(Tsv).IsValid);
        Assert.True(DatasetHarness.Validate(Csv).IsValid);
        Assert.Equal("line 1: not valid JSON: 'h' is an invalid start of a value. (at byte 1)",
            ValidatorHarness.SingleError(DatasetHarness.Validate("hello world\n")).Message);
    }

    [Fact]
    public void A_utf16_file_is_refused_whatever_its_name()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("prompt,completion\na,b\n")];

        foreach (string name in new[] { "x.jsonl", "x.csv", "x" })
            Assert.Equal("line 1: the file looks like UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8",
                ValidatorHarness.SingleError(DatasetHarness.Validate(bytes, new DatasetUploadOptions { Filename = name })).Message);
    }

    [Fact]
    public void Csv_options_on_a_json_file_are_refused()
    {
        var upload = DatasetUploadOptions.FromForm("x.jsonl", null, promptTemplate: "{text}");

        var result = DatasetHarness.Validate("{\"prompt\": \"a\", \"completion\": \"b\"}\n", upload);

        Assert.StartsWith("prompt_template, completion_template, label_map, task_column and id_column are for CSV/TSV files, but this file is JSON Lines",
            ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void A_format_asked_for_holds_every_record_to_it()
    {
        var upload = DatasetUploadOptions.FromForm("x.json", "alpaca");

        var result = DatasetHarness.Validate("[{\"prompt\": \"a\", \"completion\": \"b\"}]", upload);

        Assert.Equal("element 1 (line 1): missing key 'instruction'", ValidatorHarness.SingleError(result).Message);
    }

    [Theory]
    [InlineData("xml", null, null, "format")]
    [InlineData("alpaca", "{a}", null, "format")]
    [InlineData(null, "{a", null, "prompt_template")]
    [InlineData(null, null, "[1]", "label_map")]
    [InlineData(null, null, "{\"0\": 1}", "label_map")]
    [InlineData(null, null, "not json", "label_map")]
    public void Bad_form_fields_name_the_field(string? format, string? promptTemplate, string? labelMap, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => DatasetUploadOptions.FromForm("x", format, promptTemplate, labelMap: labelMap));

        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void Form_fields_make_the_read_options()
    {
        var upload = DatasetUploadOptions.FromForm("sst2.tsv", "tsv", "Review: {sentence} Sentiment:", " {label}",
            "{\"0\": \"negative\", \"1\": \"positive\"}", "", "");

        Assert.Equal(DatasetContainer.Tsv, upload.Container);
        Assert.Null(upload.Format);
        Assert.Equal("""{"prompt_template":"Review: {sentence} Sentiment:","completion_template":" {label}","label_map":{"0":"negative","1":"positive"}}""",
            upload.Csv!.ToJson());
    }
}
