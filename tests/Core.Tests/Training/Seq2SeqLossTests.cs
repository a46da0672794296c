using TuningService.Core.Training;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

public sealed class Seq2SeqLossTests
{
    [Fact]
    public void Shift_right_reproduces_the_goldens_decoder_input_ids()
    {
        using var scope = NewDisposeScope();
        var inputs = Golden.Read(TestPaths.Fixture("models", "t5-v1_0-tiny", "golden.json"))["inputs"]!;

        var shifted = Seq2SeqLoss.ShiftRight(Golden.IdTensor(inputs["labels"]), decoderStartTokenId: 0);

        Assert.Equal(Golden.Longs(inputs["decoder_input_ids"]), shifted.data<long>().ToArray());
    }

    [Fact]
    public void Shift_right_uses_the_given_start_and_pad_ids()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 5, 6, -100, -100, 7, -100 }, [2, 3]);

        var shifted = Seq2SeqLoss.ShiftRight(labels, decoderStartTokenId: 9, padTokenId: 3);

        Assert.Equal([9, 5, 6, 9, 3, 7], shifted.data<long>().ToArray());
    }

    [Fact]
    public void Loss_is_the_mean_cross_entropy_over_labelled_positions_without_a_shift()
    {
        using var scope = NewDisposeScope();
        // Two rows, vocab 2: log-probabilities chosen so every term is known in closed form.
        var logits = tensor(new float[] { 0, 0, 0, 0, 0, 0, /* row 1 */ 0, 0, 0, 0, 0, 0 }, [2, 3, 2]);
        logits[0, 0, 1] = tensor(MathF.Log(3)); // p(1) = 3/4 at row 0, position 0
        var labels = tensor(new long[] { 1, 0, -100, 0, -100, -100 }, [2, 3]);

        var loss = Seq2SeqLoss.Compute(logits, labels).item<float>();

        var expected = (-Math.Log(0.75) + Math.Log(2) + Math.Log(2)) / 3;
        Assert.Equal(expected, loss, 6);
    }

    [Fact]
    public void Count_correct_compares_argmax_with_labels_at_the_same_position()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 0, 1, 1, 0, 0, 1, /* row 1 */ 1, 0, 0, 1, 0, 1 }, [2, 3, 2]); // argmax 1 0 1 / 0 1 1
        var labels = tensor(new long[] { 1, 1, -100, 0, 1, 0 }, [2, 3]);

        Assert.Equal(3, Seq2SeqLoss.CountCorrect(logits, labels).item<long>());
    }
}
