using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Packing;

/// <summary>
/// Packed rows give each example the logits it has alone. The reference is the model's ordinary forward, which
/// the parity tests hold to the Python goldens.
/// </summary>
public sealed class PackingTests
{
    // Three examples of different lengths; row 0 packs all three, row 1 packs two in another order and pads.
    private static readonly int[] Lengths = [7, 12, 4];

    public static TheoryData<string> Models => new() { "llama-tiny", "babyllama-tinystories", "gpt2-tiny" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Each_packed_example_has_the_logits_it_has_alone(string name)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Load(name);
        Assert.True(model.SupportsPacking);
        var examples = RandomExamples(model.VocabSize);

        var rows = new[] { new[] { 0, 1, 2 }, new[] { 2, 0 } };
        var (ids, segments, starts) = Pack(examples, rows, columns: Lengths.Sum() + 2);
        var packed = model.ForwardPacked(ids, segments);

        for (var r = 0; r < rows.Length; r++)
        {
            for (var s = 0; s < rows[r].Length; s++)
            {
                var example = examples[rows[r][s]];
                var alone = model.call(tensor(example, [1, example.Length], ScalarType.Int64))[0];
                var slice = packed[r].narrow(0, starts[r][s], example.Length);
                Golden.AssertLogitsClose(alone.contiguous().data<float>().ToArray(), slice.contiguous().data<float>().ToArray(),
                    $"{name} row {r} example {rows[r][s]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Without_segments_a_later_example_sees_the_earlier_one(string name)
    {
        // Guards the test above: packing matters, so a ForwardPacked that ignored the segments would fail it.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Load(name);
        var examples = RandomExamples(model.VocabSize);
        var (ids, _, starts) = Pack(examples, [[0, 1]], columns: Lengths[0] + Lengths[1]);
        var plain = model.call(ids)[0].narrow(0, starts[0][1], Lengths[1]);
        var alone = model.call(tensor(examples[1], [1, Lengths[1]], ScalarType.Int64))[0];
        Assert.False(plain.allclose(alone, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Positions_restart_at_each_segment_and_padding_counts_from_its_start()
    {
        using var scope = NewDisposeScope();
        var segments = tensor(new long[] { 1, 1, 1, 2, 2, 3, 0, 0, 1, 1, 2, 2, 2, 2, 2, 0 }, [2, 8], ScalarType.Int64);
        Assert.Equal(new long[] { 0, 1, 2, 0, 1, 0, 0, 1, 0, 1, 0, 1, 2, 3, 4, 0 },
            PackedSegments.Positions(segments).data<long>().ToArray());
    }

    [Fact]
    public void Mask_is_causal_within_a_segment_only()
    {
        using var scope = NewDisposeScope();
        var mask = PackedSegments.Mask(tensor(new long[] { 1, 1, 2, 0 }, [1, 4], ScalarType.Int64));
        Assert.Equal(new long[] { 1, 1, 4, 4 }, mask.shape);
        Assert.Equal(new[]
        {
            true, false, false, false,
            true, true, false, false,
            false, false, true, false,
            false, false, false, true,
        }, mask.data<bool>().ToArray());
    }

    private static CausalLanguageModel Load(string name)
    {
        var folder = name switch
        {
            "llama-tiny" => TestPaths.LlamaTiny,
            "babyllama-tinystories" => TestPaths.BabyLlama,
            _ => TestPaths.Fixture("models", name),
        };
        var model = (CausalLanguageModel)PretrainedModelLoader.Load(folder, CPU).Model;
        model.eval();
        return model;
    }

    private static long[][] RandomExamples(int vocab)
    {
        var random = new Random(1234);
        return Lengths.Select(n => Enumerable.Range(0, n).Select(_ => (long)random.Next(3, vocab)).ToArray()).ToArray();
    }

    /// <summary>Rows of the given examples back to back, padded with id 0 and segment 0; the start column of each.</summary>
    private static (Tensor Ids, Tensor Segments, int[][] Starts) Pack(long[][] examples, int[][] rows, int columns)
    {
        var ids = new long[rows.Length * columns];
        var segments = new long[rows.Length * columns];
        var starts = new int[rows.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            starts[r] = new int[rows[r].Length];
            var column = 0;
            for (var s = 0; s < rows[r].Length; s++)
            {
                starts[r][s] = column;
                foreach (var id in examples[rows[r][s]])
                {
                    ids[(r * columns) + column] = id;
                    segments[(r * columns) + column] = s + 1;
                    column++;
                }
            }
        }
        return (tensor(ids, [rows.Length, columns], ScalarType.Int64), tensor(segments, [rows.Length, columns], ScalarType.Int64), starts);
    }
}
