using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Files;
using OpenAI.FineTuning;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.FineTuningJobs;

/// <summary>The official OpenAI .NET client (its own request and response types) creates and follows a DPO job here.</summary>
public sealed class OpenAiClientDpoTests
{
    [Fact]
    public async Task The_openai_dotnet_client_creates_a_dpo_job_with_its_own_types()
    {
        using var factory = new TuningApiFactory();
        var client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = new Uri(factory.Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(factory.CreateClient()),
        });
        var (pairs, _) = StoryPreferences.Build(trainStories: 6, namesPerStory: 2);
        using var content = new MemoryStream(StoryPreferences.Jsonl(pairs));
        OpenAIFile file = await client.GetOpenAIFileClient().UploadFileAsync(content, "stories.jsonl", FileUploadPurpose.FineTune);

#pragma warning disable OPENAI001 // the fine-tuning types are marked experimental in the client
        var fineTuning = client.GetFineTuningClient();
        FineTuningJob job = await fineTuning.FineTuneAsync("babyllama-tinystories", file.Id, waitUntilCompleted: false, new FineTuningOptions
        {
            // The client's beta is an integer (its HyperparameterBetaFactor takes an int); the service takes any positive number.
            TrainingMethod = FineTuningTrainingMethod.CreateDirectPreferenceOptimization(batchSize: 4, epochCount: 1, learningRate: 1, betaFactor: 1),
            Suffix = "client",
            Seed = 9,
        });
        Assert.False(string.IsNullOrEmpty(job.JobId));
        Assert.Equal("babyllama-tinystories", job.BaseModel);
        using (var deadline = new CancellationTokenSource(FineTuneScenario.Deadline))
            await job.WaitForCompletionAsync(deadline.Token);
        Assert.Equal(FineTuningStatus.Succeeded, job.Status);
        Assert.Equal("client", job.UserProvidedSuffix);
#pragma warning restore OPENAI001

        // The job as the service shows it: the method the client's types sent.
        var api = new ApiClient(factory.CreateClient());
        var shown = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{job.JobId}");
        Assert.Equal("dpo", shown["method"]!["type"]!.GetValue<string>());
        Assert.Equal(1, shown["method"]!["dpo"]!["hyperparameters"]!["beta"]!.GetValue<double>());
        Assert.Equal($"ft:babyllama-tinystories:client:{job.JobId}", shown["fine_tuned_model"]!.GetValue<string>());
        Assert.Equal(4, shown["method"]!["dpo"]!["hyperparameters"]!["batch_size"]!.GetValue<int>());
    }
}
