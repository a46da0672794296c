using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models;

/// <summary>Reads golden.json values and compares with the fixtures' tolerances (fixtures/README.md).</summary>
internal static class Golden
{
    public static JsonObject Read(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    public static float[] Floats(JsonNode? node) => Flatten(node).Select(n => n.GetValue<float>()).ToArray();

    public static long[] Longs(JsonNode? node) => Flatten(node).Select(n => n.GetValue<long>()).ToArray();

    public static int[] Ints(JsonNode? node) => Flatten(node).Select(n => n.GetValue<int>()).ToArray();

    public static long[] Shape(JsonNode? node) => Longs(node!["shape"]);

    /// <summary>A [rows][cols] int array from golden.json as an int64 tensor.</summary>
    public static Tensor IdTensor(JsonNode? rows)
    {
        var array = (JsonArray)rows!;
        var width = ((JsonArray)array[0]!).Count;
        return tensor(Longs(array), [array.Count, width], ScalarType.Int64);
    }

    /// <summary>Logits tolerance: |a - b| ≤ 1e-4 + 1e-4·|b|. A NaN or infinite value always fails.</summary>
    public static void AssertLogitsClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        // NaN compares below every number, so without the IsFinite check MaxBy would pass over it.
        var worst = Enumerable.Range(0, expected.Length)
            .Select(i => (Index: i, Excess: float.IsFinite(actual[i])
                ? Math.Abs(actual[i] - expected[i]) - (1e-4 + 1e-4 * Math.Abs(expected[i]))
                : double.PositiveInfinity))
            .MaxBy(x => x.Excess);
        Assert.True(worst.Excess <= 0,
            $"{what}: element {worst.Index} is {actual[worst.Index]}, golden {expected[worst.Index]} (beyond tolerance by {worst.Excess:g3}).");
    }

    /// <summary>Bit-for-bit equality (same shape, every element equal).</summary>
    public static bool Identical(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    /// <summary>Loss tolerance: 1e-5 relative.</summary>
    public static void AssertLossClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected), $"{what}: {actual}, golden {expected}.");

    private static IEnumerable<JsonNode> Flatten(JsonNode? node) => node switch
    {
        JsonArray array => array.SelectMany(Flatten),
        null => throw new InvalidDataException("null in golden data"),
        _ => [node],
    };
}
