using System.Text.Json.Nodes;

namespace TuningService.Api.Completions;

/// <summary>
/// A conversation to render with a model's chat format, as a request gave it.
/// </summary>
/// <param name="Messages">The request's messages, unchanged (checked when rendered, against the format the model has).</param>
/// <param name="Tools">OpenAI's `tools`, given to templates that describe tools; null when the request has none.</param>
/// <param name="TemplateVariables">`chat_template_kwargs`: extra template variables (e.g. enable_thinking).</param>
public sealed record ChatPrompt(JsonArray? Messages, JsonArray? Tools, JsonObject? TemplateVariables);
