using TuningService.Core.Catalog;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Api.Models;

/// <summary>
/// OpenAI's model object, plus where a fine-tuned model came from and its size: `parameters` (numbers stored in
/// its weights) and `bytes` (those weights as stored), read from the safetensors headers; null when unreadable.
/// </summary>
public sealed record ModelResponse(string Id, long Created, string OwnedBy, string? BaseModel, string? FineTuningJob,
    long? Parameters, long? Bytes)
{
    public string Object => "model";

    public static ModelResponse From(CatalogModel m, WeightsSummary? size) =>
        new(m.Id, m.CreatedAt, m.OwnedBy, m.BaseModel, m.JobId, size?.Parameters, size?.Bytes);
}
