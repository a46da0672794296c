using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TuningService.Api.Completions;
using TuningService.Api.Files;
using TuningService.Api.FineTuningJobs;
using TuningService.Api.Models;
using TuningService.Api.Templates;
using TuningService.Api.Tokenize;
using TuningService.Api.Webhooks;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// Gives Swagger UI a ready-to-send body for every JSON endpoint (the job's with a placeholder file id), and explains the "number or auto" hyperparameters, which are
/// JsonElement in C# and would otherwise show as an untyped value.
/// </summary>
public sealed class RequestExamplesSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete) return;
        if (context.Type == typeof(CreateFineTuningJobRequest))
            concrete.Example = JsonNode.Parse("""
                {
                  "model": "babyllama-tinystories",
                  "training_file": "file-abc123",
                  "validation_file": null,
                  "suffix": "sst2",
                  "seed": 42,
                  "metadata": { "project": "demo" },
                  "method": { "type": "supervised", "supervised": { "hyperparameters": { "n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": "auto" } } }
                }
                """);
        // Swagger UI's "Try it out" starts from these; without one it builds a body from the types (top_p 0, n 0, limit
        // 0, ...) that the endpoint refuses. Each one below is accepted as it stands (RequestExamplesTests sends them).
        if (context.Type == typeof(CompletionRequest))
            concrete.Example = JsonNode.Parse("""{ "model": "babyllama-tinystories", "prompt": "Once upon a time", "max_tokens": 16, "temperature": 0.8 }""");
        if (context.Type == typeof(ChatCompletionRequest))
            concrete.Example = JsonNode.Parse("""
                { "model": "babyllama-tinystories", "messages": [ { "role": "user", "content": "Tell me a story about a cat." } ], "max_tokens": 32 }
                """);
        if (context.Type == typeof(TokenizeRequest))
            concrete.Example = JsonNode.Parse("""{ "model": "babyllama-tinystories", "prompt": "Once upon a time", "return_token_strs": true }""");
        if (context.Type == typeof(DetokenizeRequest))
            concrete.Example = JsonNode.Parse("""{ "model": "babyllama-tinystories", "tokens": [ 1, 30, 40, 50 ] }""");
        if (context.Type == typeof(FilePreviewRequest))
            concrete.Example = JsonNode.Parse("""{ "model": "babyllama-tinystories", "limit": 5 }""");
        if (context.Type == typeof(CleanFileRequest))
            concrete.Example = JsonNode.Parse("""{ "unicode_normalization": "nfc", "drop_conflicts": false, "long_examples": "truncate" }""");
        if (context.Type == typeof(SplitFileRequest))
            concrete.Example = JsonNode.Parse("""{ "train": 0.8, "validation": 0.1, "test": 0.1, "seed": 42, "stratify": "auto" }""");
        if (context.Type == typeof(ImportModelRequest))
            concrete.Example = JsonNode.Parse("""{ "source": "hf", "repo": "google/flan-t5-small", "revision": "main", "name": "flan-t5-small" }""");
        if (context.Type == typeof(CreateWebhookEndpointRequest))
            concrete.Example = JsonNode.Parse("""{ "url": "https://hooks.example.com/tuning", "event_types": [ "fine_tuning.job.succeeded", "fine_tuning.job.failed" ] }""");
        if (context.Type == typeof(HyperparametersRequest))
        {
            concrete.Description = "Each value is a number or the string \"auto\" (the default), which the job resolves from the dataset and model size and reports in its events.";
            concrete.Example = JsonNode.Parse("""{ "n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 1.5 }""");
        }
    }
}
