using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TuningService.Api.Models;

/// <summary>
/// POST /v1/models/import takes two bodies. Endpoint metadata can describe only one request type, so Swagger would
/// show the upload form under application/json too; this puts the Hub request's schema there instead.
/// </summary>
public sealed class ImportModelBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.RelativePath != "v1/models/import" || operation.RequestBody is not OpenApiRequestBody { Content: { } content }) return;
        content["application/json"] = new OpenApiMediaType
        {
            Schema = context.SchemaGenerator.GenerateSchema(typeof(ImportModelRequest), context.SchemaRepository),
        };
    }
}
