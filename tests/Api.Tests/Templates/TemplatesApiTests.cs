using System.Net;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Templates;

public sealed class TemplatesApiTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly ApiClient api;

    public TemplatesApiTests() => api = new ApiClient(factory.CreateClient());

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task The_library_is_listed_in_openai_list_shape()
    {
        var list = await api.GetJsonAsync("/v1/templates");
        Assert.Equal("list", list["object"]!.GetValue<string>());
        Assert.False(list["has_more"]!.GetValue<bool>());
        var data = list["data"]!.AsArray();
        Assert.Equal(["classification", "extractive_qa", "open_qa", "sentiment", "summarization", "translation"],
            data.Select(t => t!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(data[0]!["name"]!.GetValue<string>(), list["first_id"]!.GetValue<string>());
        Assert.All(data, t =>
        {
            Assert.Equal("template", t!["object"]!.GetValue<string>());
            Assert.True(t["phrasings"]!.AsArray().Count >= 5);
            Assert.NotEmpty(t["fields"]!.AsArray());
        });
    }

    [Fact]
    public async Task One_template_shows_its_fields_and_phrasings()
    {
        var sentiment = await api.GetJsonAsync("/v1/templates/sentiment");
        Assert.Equal("sentiment", sentiment["task"]!.GetValue<string>());
        Assert.Equal(["text", "options", "label"], sentiment["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        var phrasing = sentiment["phrasings"]![0]!;
        Assert.Contains("{text}", phrasing["prompt"]!.GetValue<string>());
        Assert.Equal(" {label}", phrasing["completion"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_template_is_404_naming_the_library()
    {
        var response = await api.Http.GetAsync("/v1/templates/sentimnt");
        var error = (await ApiClient.JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("name", error["param"]!.GetValue<string>());
        Assert.Contains("sentiment", error["message"]!.GetValue<string>());
    }
}
