using System.Text.Json.Nodes;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Quantization;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.FineTuning.Memory;

/// <summary>The estimate's terms on a small Llama shape whose every count is known by hand.</summary>
public sealed class MemoryEstimatorTests
{
    // hidden 64, 2 layers, MLP 128, 4 heads of 16, 2 key/value heads (kv width 32), vocabulary 100, untied head.
    const long H = 64, I = 128, Kv = 32, V = 100;
    const int Layers = 2;

    internal static ModelShape SmallLlama(int layers = Layers)
    {
        var tensors = new List<SafetensorsTensor> { new("model.embed_tokens.weight", "F32", [V, H]), new("model.norm.weight", "F32", [H]), new("lm_head.weight", "F32", [V, H]) };
        for (var l = 0; l < layers; l++)
        {
            var p = $"model.layers.{l}.";
            tensors.AddRange(
            [
                new(p + "self_attn.q_proj.weight", "F32", [H, H]), new(p + "self_attn.k_proj.weight", "F32", [Kv, H]),
                new(p + "self_attn.v_proj.weight", "F32", [Kv, H]), new(p + "self_attn.o_proj.weight", "F32", [H, H]),
                new(p + "mlp.gate_proj.weight", "F32", [I, H]), new(p + "mlp.up_proj.weight", "F32", [I, H]), new(p + "mlp.down_proj.weight", "F32", [H, I]),
                new(p + "input_layernorm.weight", "F32", [H]), new(p + "post_attention_layernorm.weight", "F32", [H]),
            ]);
        }
        var config = new JsonObject
        {
            ["model_type"] = "llama", ["hidden_size"] = H, ["intermediate_size"] = I, ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["vocab_size"] = V,
        };
        return ModelShape.FromConfig(config, tensors, tensors.Sum(t => t.Elements) * 4);
    }

    static readonly long BlockParameters = 2 * H * H + 2 * Kv * H + 3 * I * H + 2 * H;
    static readonly long Parameters = 2 * V * H + H + Layers * BlockParameters;

    static long Term(MemoryEstimate estimate, string name) => estimate.Training.Single(t => t.Name == name).Bytes;

    static MemoryPlanInputs Inputs() => new(SmallLlama(), Rows: 4, InputPositions: 0, TargetPositions: 32);

    [Fact]
    public void The_shape_counts_parameters_blocks_and_quantizable_weights_from_the_tensors()
    {
        var shape = SmallLlama();
        Assert.Equal(Parameters, shape.Parameters);
        Assert.Equal(BlockParameters, shape.LargestBlockParameters);
        Assert.Equal(Layers * (BlockParameters - 2 * H), shape.QuantizableParameters); // every linear weight but lm_head
        Assert.Equal(Kv, shape.KeyValueWidth);
        Assert.True(shape.GatedMlp);
        Assert.False(shape.KeepsAttentionProbabilities);
    }

    [Fact]
    public void Lora_counts_rank_times_in_plus_out_of_each_target()
    {
        var shape = SmallLlama();
        Assert.Equal(Layers * 8 * ((H + H) + (Kv + H)), shape.LoraParameters(8, null)); // Llama's default: q_proj, v_proj
        Assert.Equal(Layers * 4 * (2 * (H + H) + 2 * (Kv + H) + 3 * (I + H)), shape.LoraParameters(4, ["all-linear"]));
    }

    [Fact]
    public void Full_fp32_holds_weights_gradients_and_two_moments_of_every_parameter()
    {
        var estimate = MemoryEstimator.Estimate(Inputs());
        Assert.Equal(Parameters * 4, Term(estimate, "weights"));
        Assert.Equal(Parameters * 4, Term(estimate, "gradients"));
        Assert.Equal(Parameters * 8, Term(estimate, "optimizer_state"));
        Assert.DoesNotContain(estimate.Training, t => t.Name is "master_weights" or "heap_retention");
        Assert.Equal(MemoryEstimator.RuntimeBytes, Term(estimate, "runtime"));
        // Logits: rows × positions × vocabulary × (the head's output + 4 fp32 tensors at the backward's peak).
        Assert.Equal(4 * 32 * V * 20, Term(estimate, "logits"));
        Assert.Equal(estimate.Training.Sum(t => t.Bytes), estimate.TrainingBytes);
    }

    [Fact]
    public void Bf16_keeps_bf16_weights_fp32_masters_and_both_gradients()
    {
        var estimate = MemoryEstimator.Estimate(Inputs() with { Precision = TrainingPrecision.Bf16 });
        Assert.Equal(Parameters * 2, Term(estimate, "weights"));
        Assert.Equal(Parameters * 4, Term(estimate, "master_weights"));
        Assert.Equal(Parameters * 6, Term(estimate, "gradients"));
        // The head's bf16 output and its fp32 cast beside the loss's four fp32 tensors.
        Assert.Equal(4 * 32 * V * 22, Term(estimate, "logits"));
    }

    [Fact]
    public void The_8bit_optimizer_in_the_backward_pass_holds_two_bytes_of_state_and_one_block_of_gradients()
    {
        var estimate = MemoryEstimator.Estimate(Inputs() with { Optimizer = OptimizerKind.AdamW8bit, OptimizerInBackward = true });
        Assert.Equal(Parameters * 2 + 2 * 4 * (Parameters / 256 + 1), Term(estimate, "optimizer_state"));
        Assert.Equal(BlockParameters * 4, Term(estimate, "gradients"));
    }

    [Fact]
    public void Nf4_stores_the_quantizable_weights_in_half_a_byte_plus_scales()
    {
        var inputs = Inputs() with { IsLora = true, Precision = TrainingPrecision.Bf16 };
        var plain = Term(MemoryEstimator.Estimate(inputs), "weights");
        var nf4 = Term(MemoryEstimator.Estimate(inputs with { Quantization = WeightQuantization.Nf4 }), "weights");
        var q = SmallLlama().QuantizableParameters;
        Assert.Equal(plain - q * 2 + q / 2 + q / 64 + 4 * (q / 64 / 256 + 1), nf4);
        var int8 = Term(MemoryEstimator.Estimate(inputs with { Quantization = WeightQuantization.Int8 }), "weights");
        Assert.Equal(plain - q * 2 + q + 4 * (q / 64 + 1), int8);
    }

    [Fact]
    public void Lora_trains_only_the_adapters()
    {
        var adapters = SmallLlama().LoraParameters(8, null);
        var estimate = MemoryEstimator.Estimate(Inputs() with { IsLora = true });
        Assert.Equal(adapters * 4, Term(estimate, "gradients"));
        Assert.Equal(adapters * 8, Term(estimate, "optimizer_state"));
        Assert.Equal((Parameters + adapters) * 4, Term(estimate, "weights"));
    }

    // 4 rows × 32 positions; the query width is 4 heads × 16 = H.
    const long Positions = 4 * 32;

    /// <summary>One block's backward pass: an inner width and two hidden widths of gradients in flight.</summary>
    static long Transient(long e) => Positions * (I + 2 * H) * e;

    [Fact]
    public void A_llama_block_is_counted_tensor_by_tensor()
    {
        // Full fine-tuning, fp32: the norms' inputs and normalised inputs (2 × (4 + 4) H), q, k, v and the attention output
        // (4 × 4 H) and a log-sum-exp per head, the gated MLP (3 × 4 I), the trained linear layers' inputs (4 × (2H + H + I)).
        long full = 2 * 8 * H + 16 * H + 4 * 4 + 12 * I + 4 * (3 * H + I);
        Assert.Equal(Layers * Positions * full + Transient(4), Term(MemoryEstimator.Estimate(Inputs()), "activations"));
        // LoRA on q_proj and v_proj (r 8), fp32: frozen linear layers keep nothing; each adapter keeps its input (no
        // dropout) and A's output, or with dropout the dropped-out input and its mask.
        long lora = 2 * 4 * H + 16 * H + 4 * 4 + 12 * I;
        var loraInputs = Inputs() with { IsLora = true };
        Assert.Equal(Layers * Positions * (lora + 4 * 2 * H + 2 * 8 * 4) + Transient(4), Term(MemoryEstimator.Estimate(loraInputs), "activations"));
        Assert.Equal(Layers * Positions * (lora + 2 * 4 * 2 * H + 2 * 8 * 4) + Transient(4),
            Term(MemoryEstimator.Estimate(loraInputs with { LoraDropout = 0.05 }), "activations"));
    }

    [Fact]
    public void Checkpointing_keeps_each_blocks_input_and_one_block()
    {
        var without = Term(MemoryEstimator.Estimate(Inputs()), "activations");
        var with = Term(MemoryEstimator.Estimate(Inputs() with { GradientCheckpointing = true }), "activations");
        // Two hidden-state tensors per block (its input and the custom function's output placeholder) and one block's work.
        var block = (without - Transient(4)) / Layers;
        Assert.Equal(2 * Layers * Positions * H * 4 + block + Transient(4), with);
        Assert.True(with < without);
    }

    [Fact]
    public void Checkpointed_bf16_blocks_keep_their_inputs_in_bf16_and_fragment_a_kept_heap_only()
    {
        var bf16 = Inputs() with { Precision = TrainingPrecision.Bf16 };
        var without = Term(MemoryEstimator.Estimate(bf16), "activations");
        var with = MemoryEstimator.Estimate(bf16 with { GradientCheckpointing = true });
        // The hidden states are bf16 (2 B); the recomputed block keeps what a block keeps without checkpointing.
        var recomputed = (without - Transient(2)) / Layers + Transient(2);
        Assert.Equal(2 * Layers * Positions * H * 2 + recomputed, Term(with, "activations"));
        // A tight plan maps large blocks and unmaps them when freed (NativeHeap.MapLargeBlocks): no fragmentation term.
        Assert.DoesNotContain(with.Training, t => t.Name == "heap_fragmentation");
        var kept = MemoryEstimator.Estimate(bf16 with { GradientCheckpointing = true, KeepFreedMemory = true });
        Assert.Equal((long)(MemoryEstimator.CheckpointedFragmentation * recomputed), Term(kept, "heap_fragmentation"));
        Assert.DoesNotContain(MemoryEstimator.Estimate(bf16 with { KeepFreedMemory = true }).Training, t => t.Name == "heap_fragmentation");
    }

    [Fact]
    public void A_chunked_loss_holds_one_chunk_of_logits()
    {
        var estimate = MemoryEstimator.Estimate(Inputs() with { LossChunkPositions = 16 });
        Assert.Equal(16 * V * 20, Term(estimate, "logits"));
    }

    [Fact]
    public void Keeping_freed_memory_adds_the_heaps_retention()
    {
        var estimate = MemoryEstimator.Estimate(Inputs() with { KeepFreedMemory = true });
        Assert.Equal((long)(MemoryEstimator.HeapRetention * Term(estimate, "logits")), Term(estimate, "heap_retention"));
    }

    [Fact]
    public void Loading_builds_the_model_in_fp32_and_reads_one_tensor_at_a_time()
    {
        var estimate = MemoryEstimator.Estimate(Inputs());
        var shape = SmallLlama();
        var largest = shape.Tensors.Max(t => t.Elements);
        Assert.Equal(MemoryEstimator.RuntimeBytes + Parameters * 4 + shape.StoredBytes / Parameters * largest, estimate.LoadingBytes);
        Assert.Equal(Math.Max(estimate.LoadingBytes, estimate.TrainingBytes), estimate.PeakBytes);
    }

    [Fact]
    public void A_bf16_lora_base_loads_as_it_trains_without_an_fp32_model()
    {
        var inputs = Inputs() with { IsLora = true, Precision = TrainingPrecision.Bf16 };
        var estimate = MemoryEstimator.Estimate(inputs);
        var shape = SmallLlama();
        var largest = shape.Tensors.Max(t => t.Elements);
        Assert.Equal(MemoryEstimator.RuntimeBytes + Parameters * 2 + 2 * (shape.StoredBytes / Parameters * largest), estimate.LoadingBytes);
    }
}
