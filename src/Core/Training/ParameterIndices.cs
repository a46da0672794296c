using TorchSharp.Modules;

namespace TuningService.Core.Training;

/// <summary>Positions of parameters in an optimizer's list, by object identity: TorchSharp modules hand out the same
/// <see cref="Parameter"/> objects on every <c>parameters()</c> call, and a tensor does not compare by value.</summary>
internal static class ParameterIndices
{
    public static Dictionary<Parameter, int> Of(IReadOnlyList<Parameter> parameters)
    {
        var indices = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < parameters.Count; i++)
        {
            indices.Add(parameters[i], i);
        }
        return indices;
    }

    public static IEnumerable<int> Lookup(Dictionary<Parameter, int> indices, IReadOnlyCollection<Parameter> parameters) =>
        parameters.Select(p => indices.TryGetValue(p, out int i) ? i
            : throw new ArgumentException("A parameter to step is not one of the optimizer's.", nameof(parameters))).Order();
}
