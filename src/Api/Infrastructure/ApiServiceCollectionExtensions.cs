using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;

namespace TuningService.Api.Infrastructure;

public static class ApiServiceCollectionExtensions
{
    /// <summary>snake_case JSON like OpenAI's, errors in OpenAI's shape, and Swagger with a bearer-key button.</summary>
    public static IServiceCollection AddOpenAiCompatibleApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null; // metadata keys are the user's own
            // A field the request type lacks is a 400 naming it (UnknownParameter), never silently dropped: a misspelled
            // hyperparameter would otherwise train with its default. Fields OpenAI defines that change nothing here are
            // modelled on the request types, so its clients keep working.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        // Swashbuckle describes schemas with MVC's JSON options: the same snake_case, so Swagger shows the wire names.
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => o.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // Body binding failures (wrong JSON types) must reach the exception handler, which names the field; by
        // default minimal APIs answer them with an empty 400 outside Development.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<OpenAiExceptionHandler>();
        services.AddProblemDetails();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "TuningService",
                Version = "v1",
                Description = "Fine-tune open language models. Wire-compatible with OpenAI's fine-tuning API: point an OpenAI client at http://host/v1.",
            });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key from Tuning:ApiKeys (not needed when none are configured).",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            o.SchemaFilter<RequestExamplesSchemaFilter>();
            o.SchemaFilter<MultipartFormSchemaFilter>();
            // Messages, tools and templates are free JSON (JsonNode in C#): described as any value, not as JsonNode's own members.
            o.MapType<JsonNode>(() => new OpenApiSchema { Description = "Any JSON value." });
            o.OperationFilter<Models.ImportModelBodyFilter>();
            var xml = Path.Combine(AppContext.BaseDirectory, "TuningService.Api.xml");
            if (File.Exists(xml)) o.IncludeXmlComments(xml);
        });
        return services;
    }

    /// <summary>Any status without a body (unknown route, wrong method) still answers in OpenAI's error shape.</summary>
    public static IApplicationBuilder UseOpenAiErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            var (message, code) = response.StatusCode switch
            {
                404 => ($"Unknown request URL: {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}.", "unknown_url"),
                405 => ($"Method {context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}.", "method_not_allowed"),
                _ => ($"The request failed with status {response.StatusCode}.", (string?)null),
            };
            await response.WriteAsJsonAsync(OpenAiError.Of(message, "invalid_request_error", null, code));
        });
        return app;
    }
}
