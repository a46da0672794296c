using TuningService.Core.ChatTemplates;

namespace TuningService.Core.Tests.ChatTemplates;

/// <summary>Every case of every chat-template golden (17 shared templates, 8 stretch ones, 3 from npm packages),
/// rendered byte for byte as transformers renders it, or failing with the template's raise_exception message.</summary>
public class ChatTemplateGoldenTests
{
    public static TheoryData<string, string> AllCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, name) in ChatTemplateGolden.Cases()) data.Add(file, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Renders_like_transformers(string file, string caseName)
    {
        var (template, json) = ChatTemplateGolden.Load(file);
        var testCase = ChatTemplateGolden.Case(file, caseName);
        var input = ChatTemplateGolden.Input(json, testCase);
        if (testCase["expected_error"] is { } expectedError)
        {
            var e = Assert.Throws<ChatTemplateException>(() => template.Render(input));
            Assert.Equal(ChatTemplateErrorKind.Raised, e.Kind);
            Assert.Equal((string)expectedError!, e.Message);
        }
        else
        {
            Assert.Equal((string)testCase["expected"]!, template.Render(input));
        }
    }

    [Fact]
    public void Every_golden_file_and_case_is_tested()
    {
        // 17 + 8 templates and the 3 npm ones; 236 + 123 + 15 + 29 + 22 cases (the READMEs' counts).
        Assert.Equal(28, ChatTemplateGolden.FileNames().Count());
        Assert.Equal(236 + 123 + 15 + 29 + 22, ChatTemplateGolden.Cases().Count());
    }
}
