using TorchSharp;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

public class CausalLmLossTests
{
    private static readonly float Ln2 = MathF.Log(2), Ln3 = MathF.Log(3);

    // Batch of 2, 3 positions, vocabulary of 3. Position t predicts the label at t + 1; the last position
    // predicts nothing. Row 0: pos 0 = uniform → label 1 costs ln 3; pos 1 = softmax [1/4, 1/4, 1/2] → label 2
    // costs ln 2. Row 1: pos 0 = softmax [3/5, 1/5, 1/5] → label 0 costs ln(5/3); pos 1's next label is ignored.
    private static Tensor Logits(ScalarType dtype = ScalarType.Float32) => tensor(new float[]
    {
        0, 0, 0,    0, 0, Ln2,   9, -9, 4,
        Ln3, 0, 0,  -5, 8, 1,    2, 2, 7,
    }, [2, 3, 3]).to_type(dtype);

    private static Tensor Labels() => tensor(new long[] { -100, 1, 2, 1, 0, -100 }, [2, 3]);

    [Fact]
    public void Loss_is_the_mean_over_all_labelled_next_tokens_of_the_batch()
    {
        using var scope = NewDisposeScope();
        // (ln 3 + ln 2 + ln 5/3) / 3 = ln 10 / 3: a mean over tokens, not over rows.
        double expected = Math.Log(10) / 3;

        double loss = CausalLmLoss.Compute(Logits(), Labels()).item<float>();

        Assert.True(Math.Abs(loss - expected) <= 1e-5 * expected, $"loss {loss}, expected {expected}");
    }

    [Fact]
    public void Loss_of_bf16_logits_is_an_fp32_scalar()
    {
        using var scope = NewDisposeScope();

        Tensor loss = CausalLmLoss.Compute(Logits(ScalarType.BFloat16), Labels());

        Assert.Equal(ScalarType.Float32, loss.dtype);
        Assert.Empty(loss.shape);
        // bf16 keeps ~3 significant digits of the logits.
        Assert.Equal(Math.Log(10) / 3, loss.item<float>(), tolerance: 1e-2);
    }

    [Fact]
    public void Correct_count_compares_the_argmax_with_the_next_label_where_labelled()
    {
        using var scope = NewDisposeScope();
        Tensor logits = tensor(new float[]
        {
            1, 5, 0,   0, 0, 3,   0, 9, 0,   // predicts 1, 2, (1)
            0, 0, 4,   6, 0, 0,   0, 0, 1,   // predicts 2, 0, (2)
        }, [2, 3, 3]);
        // Row 0: next labels 1, 2 both predicted. Row 1: next label 1 predicted as 2; then an ignored label.
        // Comparing without the shift would count 0.
        Tensor labels = tensor(new long[] { -100, 1, 2, 0, 1, -100 }, [2, 3]);

        Assert.Equal(2L, CausalLmLoss.CountCorrect(logits, labels).item<long>());
    }
}
