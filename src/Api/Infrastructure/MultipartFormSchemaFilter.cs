using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// Makes a multipart form in Swagger UI send only what the user chose. "Try it out" fills every field with a sample of
/// its schema and sends it; for a string without an example the sample is the word "string", so an upload sent as
/// shown carried format=string, label_map=string, ... and was refused. Here an optional text field gets an empty
/// example (Swagger UI leaves an empty field out of the request unless "Send empty value" is ticked, and the endpoints
/// read an empty field as absent anyway), and a property with [AllowedValues] becomes a drop-down of those values.
/// A form is recognised by its file property.
/// </summary>
public sealed class MultipartFormSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { } properties } form || !context.Type.GetProperties().Any(p => p.PropertyType == typeof(IFormFile)))
            return;
        foreach (var member in context.Type.GetProperties())
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
            if (!properties.TryGetValue(name, out var property) || property is not OpenApiSchema text) continue;
            if (member.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
                text.Enum = [.. allowed.Values.Select(v => (JsonNode)JsonValue.Create(v?.ToString() ?? ""))];
            var optional = form.Required is null || !form.Required.Contains(name);
            if (optional && text is { Example: null, Default: null, Enum: null or { Count: 0 }, Format: not "binary" }
                && text.Type is { } type && type.HasFlag(JsonSchemaType.String))
                text.Example = JsonValue.Create("");
        }
    }
}
