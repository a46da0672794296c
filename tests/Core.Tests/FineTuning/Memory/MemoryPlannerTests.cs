using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.FineTuning.Memory;

/// <summary>The plan's choices (auto checkpointing, the heap, the loss's chunks) and the settings it suggests, against limits set around the estimates.</summary>
public sealed class MemoryPlannerTests
{
    // Eight layers: with two, checkpointing saves one block's activations but costs the heap fragmentation of 2.7
    // recomputed blocks (MemoryEstimator.CheckpointedFragmentation), so it would never help the plan.
    static MemoryPlanInputs Inputs() => new(MemoryEstimatorTests.SmallLlama(layers: 8), Rows: 64, InputPositions: 0, TargetPositions: 256);

    static long Peak(MemoryPlanInputs inputs) => MemoryEstimator.Estimate(inputs).PeakBytes;

    [Fact]
    public void Plenty_of_memory_keeps_the_heap_and_leaves_checkpointing_off()
    {
        var plan = MemoryPlanner.Plan(Inputs(), "auto", 64, 1L << 40);
        Assert.True(plan.Fits);
        Assert.False(plan.GradientCheckpointing);
        Assert.True(plan.KeepFreedMemory);
        Assert.Null(plan.Suggestion);
        Assert.Contains(plan.Explanations, l => l.StartsWith("gradient_checkpointing=auto resolved to false", StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_turns_checkpointing_on_when_the_plan_without_it_is_near_the_limit()
    {
        var without = Peak(Inputs());
        var with = Peak(Inputs() with { GradientCheckpointing = true });
        Assert.True(with < without);
        var limit = (with + without) / 2;
        var plan = MemoryPlanner.Plan(Inputs(), "auto", 64, limit);
        Assert.True(plan.GradientCheckpointing);
        Assert.True(plan.Fits);
        Assert.False(plan.KeepFreedMemory); // within 75% of the limit it is not
        Assert.Contains(plan.Explanations, l => l.StartsWith("gradient_checkpointing=auto resolved to true", StringComparison.Ordinal));
    }

    [Fact]
    public void A_job_that_does_not_fit_is_told_the_first_settings_that_would()
    {
        var without = Peak(Inputs());
        var with = Peak(Inputs() with { GradientCheckpointing = true });
        var plan = MemoryPlanner.Plan(Inputs(), "false", 64, (with + without) / 2);
        Assert.False(plan.Fits);
        Assert.Equal("gradient_checkpointing", plan.SuggestionParam);
        Assert.StartsWith("It would fit with gradient_checkpointing: true:", plan.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_checkpointing_and_bf16_the_batch_is_halved_until_it_fits()
    {
        var tried = Inputs() with { GradientCheckpointing = true, Precision = TrainingPrecision.Bf16, Optimizer = OptimizerKind.AdamW8bit, OptimizerInBackward = true };
        var atSixteen = Peak(tried with { Rows = 16 });
        var atThirtyTwo = Peak(tried with { Rows = 32 });
        var plan = MemoryPlanner.Plan(Inputs(), "false", 64, (atSixteen + atThirtyTwo) / 2);
        Assert.False(plan.Fits);
        Assert.Equal("gradient_checkpointing", plan.SuggestionParam);
        Assert.Contains("precision: \"bf16\"", plan.Suggestion, StringComparison.Ordinal);
        Assert.Contains("optimizer: \"adamw_8bit\"", plan.Suggestion, StringComparison.Ordinal);
        Assert.Contains("batch_size: 16", plan.Suggestion, StringComparison.Ordinal);
        Assert.DoesNotContain("max_seq_length", plan.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_fits_below_the_runtime_and_the_message_says_so()
    {
        var plan = MemoryPlanner.Plan(Inputs(), "auto", 64, MemoryEstimator.RuntimeBytes / 2);
        Assert.False(plan.Fits);
        Assert.StartsWith("Even with", plan.Suggestion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8 * 128, 32000, 0)]        // 131 MB of fp32 logits: whole
    [InlineData(4 * 512, 32000, 256)]      // 262 MB: chunks of about 32 MiB
    [InlineData(4 * 512, 152064, 64)]      // Qwen's vocabulary: the smallest chunk
    public void The_loss_is_chunked_once_the_logits_are_large(long positions, long vocabulary, int expected) =>
        Assert.Equal(expected, MemoryPlanner.LossChunkPositions(positions, vocabulary));
}
