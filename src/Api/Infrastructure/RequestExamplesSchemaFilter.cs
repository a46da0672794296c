using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TuningService.Api.FineTuningJobs;
using TuningService.Api.Models;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// Gives Swagger UI a ready-to-send job body and Hub import body, and explains the "number or auto" hyperparameters, which are
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
        if (context.Type == typeof(ImportModelRequest))
            concrete.Example = JsonNode.Parse("""{ "source": "hf", "repo": "google/flan-t5-small", "revision": "main", "name": "flan-t5-small" }""");
        if (context.Type == typeof(HyperparametersRequest))
        {
            concrete.Description = "Each value is a number or the string \"auto\" (the default), which the job resolves from the dataset and model size and reports in its events.";
            concrete.Example = JsonNode.Parse("""{ "n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 1.5 }""");
        }
    }
}
