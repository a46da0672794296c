using TuningService.Core.Models.T5;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.T5;

/// <summary>The bucket function against fixtures/models/t5_relative_position_buckets.json (−300..300, 32 buckets, max distance 128).</summary>
public sealed class RelativePositionBucketsTests
{
    private static readonly System.Text.Json.Nodes.JsonObject Table =
        Golden.Read(TestPaths.Fixture("models", "t5_relative_position_buckets.json"));

    [Theory]
    [InlineData(true, "bidirectional_encoder")]
    [InlineData(false, "unidirectional_decoder")]
    public void Buckets_match_the_table(bool bidirectional, string column)
    {
        using var scope = NewDisposeScope();
        var relative = tensor(Golden.Longs(Table["relative_position"]));

        var buckets = RelativePositionBuckets.Compute(relative, bidirectional, numBuckets: 32, maxDistance: 128);

        var expected = Golden.Longs(Table["num_buckets=32,max_distance=128"]![column]);
        Assert.Equal(601, expected.Length);
        Assert.Equal(expected, buckets.data<long>().ToArray());
    }

    [Fact]
    public void Keeps_the_shape_of_a_position_grid()
    {
        using var scope = NewDisposeScope();
        var grid = arange(5L).unsqueeze(0) - arange(3L).unsqueeze(1); // memory − query, [3, 5]

        var buckets = RelativePositionBuckets.Compute(grid, bidirectional: false, numBuckets: 32, maxDistance: 128);

        Assert.Equal([3, 5], buckets.shape);
        Assert.Equal(ScalarType.Int64, buckets.dtype);
    }
}
