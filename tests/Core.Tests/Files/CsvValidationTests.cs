using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class CsvValidationTests
{
    private static readonly CsvReadOptions Sentiment = new()
    {
        PromptTemplate = "Review: {sentence} Sentiment:",
        CompletionTemplate = " {label}",
        LabelMap = new Dictionary<string, string> { ["0"] = "negative", ["1"] = "positive" },
    };

    private static FineTuneValidationResult Validate(string text, DatasetContainer container, CsvReadOptions? read = null,
        FineTuneValidationOptions? options = null) =>
        Validate(Encoding.UTF8.GetBytes(text), container, read, options);

    private static FineTuneValidationResult Validate(byte[] bytes, DatasetContainer container, CsvReadOptions? read = null,
        FineTuneValidationOptions? options = null) =>
        CsvFileValidator.ValidateAsync(new MemoryStream(bytes), container, read ?? new CsvReadOptions(), options).GetAwaiter().GetResult();

    [Fact]
    public void The_sst2_tsv_is_valid_with_a_template_and_label_map()
    {
        byte[] bytes = File.ReadAllBytes(DatasetHarness.Fixture("datasets", "sst2-dev-300.tsv"));

        var result = Validate(bytes, DatasetContainer.Tsv, Sentiment);

        Assert.True(result.IsValid, DatasetHarness.Messages(result));
        Assert.Equal((FineTuneFormat.PromptCompletion, 300L, DatasetContainer.Tsv), (result.Format, result.RecordCount, result.Container));
        Assert.Same(Sentiment, result.ReadOptions);
    }

    [Fact]
    public void Rfc4180_quoting_crlf_a_bom_and_blank_lines_are_accepted()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("prompt,completion\r\n\"Say \"\"hi\"\", then\r\nwave\",\" hello\"\r\n\r\nplain, yes\r\n")];

        var result = Validate(bytes, DatasetContainer.Csv);

        Assert.True(result.IsValid, DatasetHarness.Messages(result));
        Assert.Equal(2, result.RecordCount);
    }

    [Theory]
    [InlineData("prompt,completion\na,b\nc,d,e\n", "row 3: the row has 3 field(s) but the header has 2; quote a value that contains a comma, and double the quotes inside it")]
    [InlineData("prompt,completion\nsay \"hi\",b\n", "row 2: a quote (\") inside an unquoted value; quote the whole value and double the quotes inside it")]
    [InlineData("prompt,completion\n\"say\" hi,b\n", "row 2: text after the closing quote of a quoted value; double the quotes inside a quoted value")]
    [InlineData("prompt,completion\n\"say hi,b\nc,d\n", "row 2: a quoted value is never closed (its opening quote runs to the end of the file)")]
    [InlineData("prompt,completion\na,\n", "row 2: the completion is empty (completion_template '{completion}' gave '')")]
    [InlineData("prompt,answer\na,b\n", "row 1 (header): completion_template '{completion}' names column 'completion', which the header does not have (columns: prompt, answer)")]
    [InlineData("prompt,completion,prompt\na,b,c\n", "row 1 (header): column 'prompt' appears twice")]
    [InlineData("prompt,,completion\na,b,c\n", "row 1 (header): column 2 has no name; every column needs one")]
    [InlineData("", "the file has no header row; a CSV file starts with a row naming its columns")]
    [InlineData("prompt,completion\n", "the file has no records: it has a header row but no data rows")]
    public void A_bad_csv_names_the_row_and_the_problem(string text, string expected)
    {
        Assert.Equal(expected, ValidatorHarness.SingleError(Validate(text, DatasetContainer.Csv)).Message);
    }

    [Fact]
    public void Rows_are_numbered_as_a_spreadsheet_with_the_line_when_it_differs()
    {
        var result = Validate("prompt,completion\n\"two\nlines\",ok\n\na,b,c\n", DatasetContainer.Csv);

        Assert.Equal("row 3 (line 5): the row has 3 field(s) but the header has 2; quote a value that contains a comma, and double the quotes inside it",
            ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void Tsv_has_no_quoting_so_quotes_are_text()
    {
        var result = Validate("prompt\tcompletion\nsay \"hi\"\t\"hello\" there\n", DatasetContainer.Tsv);

        Assert.True(result.IsValid, DatasetHarness.Messages(result));
    }

    [Fact]
    public void A_label_the_map_lacks_and_a_template_column_the_header_lacks_are_named()
    {
        var unmapped = Validate("sentence\tlabel\nfine\t1\nodd\t2\n", DatasetContainer.Tsv, Sentiment);
        var missing = Validate("review\tlabel\nfine\t1\n", DatasetContainer.Tsv, Sentiment);

        Assert.Equal("row 3: column 'label' is '2', which label_map does not map (it maps '0', '1')", ValidatorHarness.SingleError(unmapped).Message);
        Assert.Equal("row 1 (header): prompt_template 'Review: {sentence} Sentiment:' names column 'sentence', which the header does not have (columns: review, label)",
            ValidatorHarness.SingleError(missing).Message);
    }

    [Fact]
    public void Task_and_id_columns_must_exist()
    {
        var result = Validate("prompt,completion\na,b\n", DatasetContainer.Csv, new CsvReadOptions { TaskColumn = "dataset" });

        Assert.Equal("row 1 (header): task_column 'dataset' is not a column of the header (columns: prompt, completion)",
            ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void Invalid_utf8_names_the_row()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("prompt,completion\na,b\ncaf"), 0xE9, .. Encoding.UTF8.GetBytes(",c\n")];

        Assert.Equal("row 3: invalid UTF-8 at byte 4 of the row (0xE9); save the file as UTF-8", ValidatorHarness.SingleError(Validate(bytes, DatasetContainer.Csv)).Message);
    }

    [Fact]
    public void A_row_over_the_limit_is_an_error_before_it_is_held()
    {
        string text = "prompt,completion\na,b\n" + new string('x', 50_000) + ",c\nd,e\n";

        var result = Validate(text, DatasetContainer.Csv, options: new FineTuneValidationOptions { MaxLineBytes = 1000 });

        Assert.Equal("row 3: the row is longer than the limit of 1000 bytes; shorten or split this example", ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void Read_options_round_trip_through_json()
    {
        var options = Sentiment with { TaskColumn = "task", IdColumn = "id" };

        string json = options.ToJson();
        var back = CsvReadOptions.FromJson(json);

        Assert.Equal("""{"prompt_template":"Review: {sentence} Sentiment:","completion_template":" {label}","label_map":{"0":"negative","1":"positive"},"task_column":"task","id_column":"id"}""", json);
        Assert.Equal((options.PromptTemplate, options.CompletionTemplate, options.TaskColumn, options.IdColumn),
            (back.PromptTemplate, back.CompletionTemplate, back.TaskColumn, back.IdColumn));
        Assert.Equal(options.LabelMap, back.LabelMap);
    }
}
