namespace TuningService.Core.Inference;

/// <summary>One model the <see cref="ModelCache"/> holds.</summary>
/// <param name="BaseModelId">For an adapter, the base it is served on; null for a model of its own.</param>
/// <param name="Bytes">What the cache counts for it: a base's parameters, or an adapter's matrices alone.</param>
/// <param name="Leases">Requests using it now (for a base, not counting those that use it through an adapter).</param>
public sealed record CachedModel(string Id, string? BaseModelId, long Bytes, int Leases);
