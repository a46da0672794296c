using TuningService.Api.Infrastructure;
using TuningService.Core.Templates;

namespace TuningService.Api.Templates;

/// <summary>/v1/templates: the instruction-template library a job's `template` and a file preview can name.</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplates(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/v1/templates").WithTags("Templates");
        templates.MapGet("/", List).WithSummary("List the library's instruction templates (one per task kind, several phrasings each)");
        templates.MapGet("/{name}", Retrieve).WithSummary("Get one template: its fields and phrasings");
        return app;
    }

    static ListResponse<TemplateResponse> List() =>
        ListResponse.Of([.. TemplateLibrary.All.Select(TemplateResponse.From)], hasMore: false, t => t.Name);

    static TemplateResponse Retrieve(string name) => TemplateResponse.From(TemplateLibrary.Find(name)
        ?? throw new ApiException(404, $"There is no template '{name}'. The library has: {string.Join(", ", TemplateLibrary.All.Select(t => t.Name))}.",
            "name", "not_found"));
}
