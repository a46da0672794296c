using System.Globalization;
using TuningService.Core.Quantization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.Memory;

/// <summary>
/// The peak resident memory of a training worker as a sum of named terms, each a count of elements times their
/// bytes. The element counts follow what the code keeps (TrainableWeights, FusedAdamW, CausalLmLoss, the blocks'
/// forward passes); the few coefficients that are not a plain count (<see cref="RuntimeBytes"/>, T5's and GPT-2's
/// activation widths, <see cref="HeapRetention"/>, <see cref="CheckpointedFragmentation"/>) were fitted to peaks measured by bench/MemoryBench (BENCHMARKS.md).
/// </summary>
public static class MemoryEstimator
{
    /// <summary>
    /// The process before any model: .NET and LibTorch's code and thread pools. Measured: VmRSS of a MemoryBench child
    /// with LibTorch loaded, just before loading a model (142–143 MiB in every run, bench/MemoryBench).
    /// </summary>
    public const long RuntimeBytes = 145L << 20;

    /// <summary>
    /// For the blocks counted by op (T5, GPT-2; see <see cref="CountedTensorByTensor"/>): bytes per kept activation
    /// element, 4 in fp32 and in bf16 not 2, measured (bench/MemoryBench): a bf16 GPT-2-like step kept as much as an
    /// fp32 one (its norms and softmax run in fp32 and keep those intermediates), so 4 for decoder-only models; a bf16
    /// T5 step's were about 0.7 of fp32's, so 3.
    /// </summary>
    static long ActivationElementBytes(TrainingPrecision precision, bool encoderDecoder) =>
        precision == TrainingPrecision.Bf16 && encoderDecoder ? 3 : 4;

    /// <summary>
    /// T5's blocks keep more than the op count below says (hand-written attention with its position bias
    /// and fp32 softmax, a layer norm per sub-layer, dropout everywhere): fitted to the four FineTuneBench T5 peaks
    /// (full and LoRA, fp32 and bf16; bench/MemoryBench), not counted. 1.35 before the LoRA layers freed their own
    /// intermediates (Models/IntermediatesFreed); refitted to 1.2 on the peaks measured after (2026-12-07, BENCHMARKS.md).
    /// </summary>
    const double EncoderDecoderActivationFactor = 1.2;

    /// <summary>
    /// For the blocks counted by op (T5, GPT-2): elements kept per position per block for the backward pass, in units
    /// of the hidden width, the key/value width and the MLP's inner width, from the op count of a block whose every
    /// intermediate lived to the end of its scope (two norms keep their input, the normalised input and its product
    /// with the weight: 2 × 3h; q and its rotary products: 3h; the attention output and the output projection's input:
    /// 2h; the residuals' inputs: 2h; k and v with their copies: 4 × kv; the attention's q, k, v: h + 2 kv; the MLP's
    /// four inner-width tensors, plus dropout masks).
    /// </summary>
    const double HiddenWidths = 15, KeyValueWidths = 6, GatedInnerWidths = 4, PlainInnerWidths = 4;

    /// <summary>
    /// Bytes per logit element of the loss at its peak, early in its backward pass: the head's output in the compute
    /// dtype (e) and, in a bf16 run, its fp32 cast (4); the fp32 positions the loss reads (a copy without the last
    /// position, 4), log-softmax's output (4), and the two gradients the backward pass holds at once (that of the
    /// log-softmax output, then of its input, then the full-size gradient of the slice: 2 × 4). So 20 B in fp32 and
    /// 22 in bf16; measured (bench/MemoryBench, FineTuneBench's Llama shape, heap given back) a bf16 step's loss held
    /// about 10% more than an fp32 one's, not the half a count in the compute dtype would say.
    /// </summary>
    static long LogitBytes(long e) => e + (e == 4 ? 0 : 4) + 4 * 4;

    /// <summary>
    /// The C heap with mmap off and no trim (<see cref="Common.NativeHeap"/>) keeps what a step freed and fragments:
    /// the blocks above glibc's mmap threshold (the logits and the loss's gradients, the largest activations) are,
    /// measured, held again about this share over (bench/MemoryBench, on against off).
    /// </summary>
    public const double HeapRetention = 0.6;

    /// <summary>
    /// With checkpointing and the heap kept (<see cref="Common.NativeHeap.KeepLargeBlocks"/>; a tight plan maps large
    /// blocks instead and has no such term), the C heap grows past what is in use at any moment: each block's
    /// recomputation and backward allocate and free its working set between the long-lived tensors of the step, and
    /// glibc reuses the holes only in part. Fitted, not counted: on the TinyLlama-1.1B shape (LoRA r16 all-linear, bf16,
    /// batch 4 × 512, bench/MemoryBench, 2026-12-07) the peak was 4,126 MiB where the other terms come to 3,419 MiB;
    /// the gap is 2.3 × one recomputed block's working set (271 MiB kept + 38 MiB of gradients). It was 6.8 before the
    /// LoRA layers added their update in one product (LoraLinear): their two extra output-sized tensors per layer were
    /// most of the holes. The NF4 and full configurations are checked against it (BENCHMARKS.md).
    /// </summary>
    public const double CheckpointedFragmentation = 2.3;

    /// <summary>bitsandbytes' blockwise quantization of optimizer state (Optimizer2State): 256 values per fp32 absmax (AdamW8bit).</summary>
    const int OptimizerBlock = 256;

    /// <summary>
    /// What quantizing one weight while loading holds beside the model, in fp32 copies of the largest quantized weight:
    /// the quantizer's temporaries (absmax, normalised blocks, codes, the double quantization) and the C heap's fragments
    /// of them. Fitted to the 1.1B shape's loading peaks (bench/LoadMemoryBench: NF4 1,484 MiB, int8 2,195 MiB), not counted.
    /// </summary>
    const double Nf4LoadTransient = 13.5, Int8LoadTransient = 18.5;

    /// <summary>QLoRA: NF4 blocks of 64 weights; double quantization stores each block's absmax in 8 bits with an
    /// fp32 scale per 256 blocks (0.127 bits per weight, Dettmers et al. 2023, section 3).</summary>
    const int QuantBlock = 64, SecondLevelBlock = 256;

    public static MemoryEstimate Estimate(MemoryPlanInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shape = inputs.Shape;
        long e = inputs.Precision == TrainingPrecision.Bf16 ? 2 : 4;
        var p = shape.Parameters;
        var training = new List<MemoryTerm> { new("runtime", RuntimeBytes, "the process before any model (.NET, LibTorch), measured") };

        // Weights as the model trains.
        long trainable;
        if (inputs.IsLora)
        {
            trainable = shape.LoraParameters(inputs.LoraRank, inputs.LoraTargets);
            var quantizable = inputs.Quantization == WeightQuantization.None ? 0 : shape.QuantizableParameters;
            var (quantBytes, quantDetail) = QuantizedBytes(inputs.Quantization, quantizable);
            var frozen = (p - quantizable) * e + quantBytes;
            training.Add(new MemoryTerm("weights", frozen + trainable * e,
                Fmt($"frozen base {p - quantizable:N0} × {e} B{quantDetail} + adapters {trainable:N0} × {e} B")));
        }
        else
        {
            trainable = p;
            training.Add(new MemoryTerm("weights", p * e, Fmt($"{p:N0} parameters × {e} B")));
        }
        if (inputs.Precision == TrainingPrecision.Bf16)
            training.Add(new MemoryTerm("master_weights", trainable * 4, Fmt($"fp32 masters of {trainable:N0} trainable parameters × 4 B")));

        // Gradients: all trainable ones, or with the step in the backward pass one block's at a time.
        var gradientBytesPer = inputs.Precision == TrainingPrecision.Bf16 ? 4 + 2 : 4;
        var held = inputs.OptimizerInBackward ? Math.Min(trainable, inputs.IsLora ? trainable : shape.LargestBlockParameters) : trainable;
        training.Add(new MemoryTerm("gradients", held * gradientBytesPer,
            Fmt($"{held:N0} {(inputs.OptimizerInBackward ? "parameters of the largest block (optimizer step in the backward pass)" : "trainable parameters")} × {gradientBytesPer} B{(gradientBytesPer == 6 ? " (bf16 + fp32 master)" : "")}")));

        training.Add(inputs.Optimizer == OptimizerKind.AdamW8bit
            ? new MemoryTerm("optimizer_state", trainable * 2 + 2 * 4 * (trainable / OptimizerBlock + 1),
                Fmt($"two 8-bit moments of {trainable:N0} parameters + an fp32 absmax per {OptimizerBlock}"))
            : new MemoryTerm("optimizer_state", trainable * 8, Fmt($"two fp32 moments of {trainable:N0} parameters × 4 B")));

        var activations = Activations(inputs);
        training.Add(activations);
        // Only with the heap kept: a tight plan maps every large block and unmaps it when freed (NativeHeap.MapLargeBlocks),
        // so the holes the recomputed blocks leave go back to the system.
        if (inputs.GradientCheckpointing && inputs.KeepFreedMemory)
        {
            var block = RecomputedBlockBytes(inputs);
            training.Add(new MemoryTerm("heap_fragmentation", (long)(CheckpointedFragmentation * block),
                Fmt($"C heap the recomputed blocks leave fragmented around the kept block inputs: {CheckpointedFragmentation} × one recomputed block ({block:N0} B), measured")));
        }
        var logits = Logits(inputs, e);
        training.Add(logits);
        if (inputs.KeepFreedMemory)
        {
            var retained = (long)(HeapRetention * logits.Bytes);
            training.Add(new MemoryTerm("heap_retention", retained,
                Fmt($"freed large blocks the C heap keeps while training: {HeapRetention:P0} of the loss's working set")));
        }

        // Loading (PretrainedModelLoader, tensor by tensor). Full fine-tuning and fp32 LoRA build the model in fp32 and
        // copy each stored tensor in; a bf16 or quantized LoRA base is built on the meta device and each weight is made
        // from the file in its final form, so the model never exists in fp32.
        var largest = shape.Tensors.Max(t => t.Elements);
        var largestStored = shape.StoredBytes / Math.Max(1, p) * largest;
        var loading = new List<MemoryTerm> { new("runtime", RuntimeBytes, "the process before any model") };
        if (!inputs.IsLora || (inputs.Precision == TrainingPrecision.Fp32 && inputs.Quantization == WeightQuantization.None))
        {
            loading.Add(new MemoryTerm("model_fp32", p * 4, Fmt($"the model built in fp32: {p:N0} × 4 B")));
            loading.Add(new MemoryTerm("tensor_read", largestStored, Fmt($"the largest stored tensor read ({largest:N0} elements)")));
        }
        else
        {
            var quantizable = inputs.Quantization == WeightQuantization.None ? 0 : shape.QuantizableParameters;
            var (quantBytes, _) = QuantizedBytes(inputs.Quantization, quantizable);
            loading.Add(new MemoryTerm("weights", (p - quantizable) * e + quantBytes, "the base as it will train (bf16 or quantized), made weight by weight"));
            if (quantizable > 0)
            {
                var largestQuantized = shape.LargestQuantizableWeight;
                var factor = inputs.Quantization == WeightQuantization.Nf4 ? Nf4LoadTransient : Int8LoadTransient;
                loading.Add(new MemoryTerm("quantizing", (long)(factor * largestQuantized * 4),
                    Fmt($"quantizing one weight at a time: {factor} × the largest quantized weight ({largestQuantized:N0} elements) in fp32, measured")));
            }
            else
            {
                loading.Add(new MemoryTerm("tensor_read", 2 * largestStored, Fmt($"the largest stored tensor read and converted ({largest:N0} elements)")));
            }
        }
        return new MemoryEstimate(training, loading);
    }

    static (long Bytes, string Detail) QuantizedBytes(WeightQuantization quantization, long weights) => quantization switch
    {
        WeightQuantization.Nf4 => (weights / 2 + weights / QuantBlock + 4 * (weights / QuantBlock / SecondLevelBlock + 1),
            Fmt($" + {weights:N0} NF4 weights × 0.5 B + 8-bit absmax per {QuantBlock}, fp32 per {QuantBlock * SecondLevelBlock}")),
        WeightQuantization.Int8 => (weights + 4 * (weights / QuantBlock + 1), Fmt($" + {weights:N0} int8 weights × 1 B + fp32 absmax per {QuantBlock}")),
        _ => (0, ""),
    };

    /// <summary>
    /// Whether a block is counted tensor by tensor (<see cref="CountedBlockBytesPerPosition"/>): decoder-only models
    /// with a gated MLP and the fused attention kernel (Llama, Qwen, Mistral, Phi-3, Gemma). T5 and GPT-2 keep the op
    /// count with fitted coefficients (<see cref="HiddenWidths"/>).
    /// </summary>
    static bool CountedTensorByTensor(ModelShape shape) => !shape.IsEncoderDecoder && shape.GatedMlp && !shape.KeepsAttentionProbabilities;

    /// <summary>
    /// Bytes one decoder block keeps per position for its backward pass, tensor by tensor as autograd saves them (each
    /// layer runs in a scope of its own, Models/IntermediatesFreed, so nothing else outlives its last use):
    /// <list type="bullet">
    /// <item>each RMSNorm its input in fp32 (in a bf16 run the upcast copy; in fp32 the input itself, which for the
    /// first norm is the block's input: the norm keeps it alive), and, when its weight trains, the normalised input;</item>
    /// <item>the fused attention (SDPA's flash kernel) q, k and v (k and v expanded to the query heads) and its output
    /// in the compute dtype, and a log-sum-exp per head in fp32;</item>
    /// <item>the gated MLP its activation's input and the product's two factors: 3 inner widths;</item>
    /// <item>a trained linear layer its input (q, k and v share one, gate and up another); a frozen one nothing, since
    /// its input gradient needs only the weight;</item>
    /// <item>a LoRA adapter with dropout its dropped-out input and the mask, without dropout its input (counted per
    /// adapter, though adapters on one input share it); and A's rank-wide output.</item>
    /// </list>
    /// Checked against one TinyLlama-shaped block (bench/BlockMemoryBench, batch 4 × 512: heap in use after its forward
    /// pass, less its output; BENCHMARKS.md): LoRA r16 all-linear 271 MiB measured / 271 counted (bf16) and 493 / 492
    /// (fp32); LoRA r8 on q_proj and v_proj 163 / 162 (bf16) and 277 / 276 (fp32); full fine-tuning 185 / 192 (bf16)
    /// and 320 / 352 (fp32; the block input the first norm keeps is counted here, outside the measurement).
    /// </summary>
    static double CountedBlockBytesPerPosition(MemoryPlanInputs inputs, long e)
    {
        var shape = inputs.Shape;
        long h = shape.Hidden, attention = shape.AttentionWidth > 0 ? shape.AttentionWidth : shape.Hidden, inner = shape.Intermediate;
        var trained = !inputs.IsLora;
        double bytes = 2 * 4 * h;                               // the two norms' fp32 inputs
        if (trained) bytes += 2 * e * h;                        // their normalised inputs, for the weights' gradients
        bytes += 4 * attention * e + shape.Heads * 4;           // q, k, v, the attention output; log-sum-exp
        bytes += 3 * inner * e;                                 // the gated MLP
        if (trained)
        {
            bytes += e * (2 * h + attention + inner);           // the trained linear layers' inputs
        }
        else
        {
            var perAdapter = inputs.LoraDropout > 0 ? 2 : 1;    // dropped-out input and mask, or the input
            bytes += perAdapter * e * shape.LoraInputWidths(inputs.LoraTargets) + shape.LoraLayersPerBlock(inputs.LoraTargets) * inputs.LoraRank * e;
        }
        return bytes + shape.DropoutWidths * e;
    }

    /// <summary>
    /// What one block's backward pass holds beside its kept tensors, per position: the gradients in flight through the
    /// MLP (an inner width) and the residual stream (two hidden widths). Measured on the TinyLlama-shaped block above
    /// (bench/BlockMemoryBench, sampled every millisecond): 30–66 MiB over the kept tensors and the output in bf16 and
    /// 60–132 in fp32 at batch 4 × 512, against 38 and 76 counted: an under-count of up to 66 MiB on a 3–11 GiB peak.
    /// </summary>
    static double BackwardTransientBytesPerPosition(ModelShape shape, long e) => (shape.Intermediate + 2 * shape.Hidden) * e;

    /// <summary>For the blocks counted by op (T5, GPT-2): elements kept per position by one block (see <see cref="HiddenWidths"/>).</summary>
    static double BlockWidth(MemoryPlanInputs inputs)
    {
        var shape = inputs.Shape;
        double width = HiddenWidths * shape.Hidden + KeyValueWidths * shape.KeyValueWidth
            + (shape.GatedMlp ? GatedInnerWidths : PlainInnerWidths) * shape.Intermediate;
        if (inputs.IsLora)
            width += 2 * shape.LoraInputWidths(inputs.LoraTargets); // each adapter's dropped-out input and its dropout mask
        return width + shape.DropoutWidths; // the masks
    }

    /// <summary>Bytes one encoder block and one decoder block keep for the backward pass (decoder-only models: no encoder).</summary>
    static (double Encoder, double Decoder) BlockBytes(MemoryPlanInputs inputs)
    {
        var shape = inputs.Shape;
        long rows = inputs.Rows, source = inputs.InputPositions, target = inputs.TargetPositions;
        long e = inputs.Precision == TrainingPrecision.Bf16 ? 2 : 4;
        if (CountedTensorByTensor(shape))
            return (0, rows * target * CountedBlockBytesPerPosition(inputs, e));

        long a = ActivationElementBytes(inputs.Precision, shape.IsEncoderDecoder);
        var width = BlockWidth(inputs);
        // Attention probabilities kept: softmax's output, the dropout mask and the dropped-out probabilities.
        double PerPosition(long keys) => width * a + (shape.KeepsAttentionProbabilities ? shape.Heads * keys * 3 * a : 0);
        // An encoder-decoder decoder block also attends to the encoder's output: half a block more per position.
        var factor = shape.IsEncoderDecoder ? EncoderDecoderActivationFactor : 1;
        double encoderBlock = factor * rows * source * PerPosition(source);
        double decoderBlock = factor * rows * target * (shape.IsEncoderDecoder ? 1.5 * PerPosition(target) + PerPosition(source) - width * a : PerPosition(target));
        return (encoderBlock, decoderBlock);
    }

    /// <summary>The working set of the largest block, encoder's or decoder's, while its recomputation and backward run.</summary>
    static long RecomputedBlockBytes(MemoryPlanInputs inputs)
    {
        var (encoderBlock, decoderBlock) = BlockBytes(inputs);
        return (long)(Math.Max(encoderBlock, decoderBlock) + BackwardTransientBytes(inputs));
    }

    /// <summary>The one block's backward transient (<see cref="BackwardTransientBytesPerPosition"/>); 0 for the blocks
    /// counted by op, whose count already holds everything a block made.</summary>
    static long BackwardTransientBytes(MemoryPlanInputs inputs)
    {
        if (!CountedTensorByTensor(inputs.Shape))
            return 0;
        long e = inputs.Precision == TrainingPrecision.Bf16 ? 2 : 4;
        return (long)(inputs.Rows * (long)inputs.TargetPositions * BackwardTransientBytesPerPosition(inputs.Shape, e));
    }

    /// <summary>Per block kept for the backward pass; with checkpointing only each block's input, plus one block recomputed.</summary>
    static MemoryTerm Activations(MemoryPlanInputs inputs)
    {
        var shape = inputs.Shape;
        var (encoderBlock, decoderBlock) = BlockBytes(inputs);
        long rows = inputs.Rows, source = inputs.InputPositions, target = inputs.TargetPositions;
        var transient = BackwardTransientBytes(inputs);
        var how = CountedTensorByTensor(shape) ? "tensors autograd keeps, counted per block" : $"{BlockWidth(inputs):N0} elements per position per block";
        if (!inputs.GradientCheckpointing)
        {
            var bytes = (long)(shape.EncoderLayers * encoderBlock + shape.DecoderLayers * decoderBlock) + transient;
            var probabilities = shape.KeepsAttentionProbabilities ? " + attention probabilities" : "";
            return new MemoryTerm("activations", bytes,
                Fmt($"{shape.EncoderLayers + shape.DecoderLayers} blocks × {rows} rows × positions ({how}{probabilities}) + one block's backward ({transient:N0} B)"));
        }
        // Two hidden-state tensors per block: its input, and the uninitialised output TorchSharp's custom-function node
        // allocates (RecomputedInBackward). Both in the compute dtype (hidden states are bf16 in a bf16 run; measured on
        // the 1.1B shape: 18 MiB more heap in use per block through the forward pass, against 2 × 8 MiB counted).
        long hiddenBytes = inputs.Precision == TrainingPrecision.Bf16 ? 2 : 4;
        var inputsKept = 2 * (shape.EncoderLayers * source + shape.DecoderLayers * target) * rows * shape.Hidden * hiddenBytes;
        var recomputed = RecomputedBlockBytes(inputs);
        return new MemoryTerm("activations", inputsKept + recomputed,
            Fmt($"checkpointing: each block's input ({rows} rows × positions × {shape.Hidden} × {hiddenBytes} B, twice) + one block recomputed and back-propagated ({recomputed:N0} B; {how})"));
    }

    static MemoryTerm Logits(MemoryPlanInputs inputs, long e)
    {
        long positions = (long)inputs.Rows * inputs.TargetPositions;
        var chunked = inputs.LossChunkPositions > 0 && inputs.LossChunkPositions < positions;
        var at = chunked ? inputs.LossChunkPositions : positions;
        var bytes = at * inputs.Shape.Vocabulary * LogitBytes(e);
        return new MemoryTerm("logits", bytes, Fmt($"{at:N0} positions{(chunked ? " per loss chunk" : "")} × {inputs.Shape.Vocabulary:N0} vocabulary × {LogitBytes(e)} B (logits, log-softmax and their gradients)"));
    }

    static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
