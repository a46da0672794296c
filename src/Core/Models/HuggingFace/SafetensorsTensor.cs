namespace TuningService.Core.Models.HuggingFace;

/// <summary>One tensor as a safetensors header describes it: its name, stored dtype and shape (no data).</summary>
public sealed record SafetensorsTensor(string Name, string Dtype, IReadOnlyList<long> Shape)
{
    /// <summary>The number of elements (the product of the shape; 1 for a scalar).</summary>
    public long Elements => Shape.Aggregate(1L, (n, d) => checked(n * d));
}
