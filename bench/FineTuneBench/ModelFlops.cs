using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// The arithmetic a training step needs, by the 6·N rule (Kaplan et al. 2020, "Scaling Laws for Neural Language
/// Models", §2.1; PaLM's model-FLOPs utilisation): a weight that a token passes through costs 2 FLOPs per element in
/// the forward pass, 2 for the input gradient and 2 for the weight gradient of the backward pass.
/// <list type="bullet">
/// <item>N counts every parameter except embedding lookup tables (token embeddings, GPT-2's position embeddings,
/// T5's relative-attention-bias tables): a lookup does no multiplications. An untied lm_head is counted: it is a
/// [vocab × d] matrix multiply for every position, like any other linear layer. A tied one counts once, as the
/// output projection. Strict Kaplan N also leaves the lm_head out; <see cref="KaplanParameters"/> is that figure.</item>
/// <item>Each weight is counted for the positions that pass through it: the whole sequence for a decoder-only model;
/// for T5 the encoder's weights (and the decoder's cross-attention k and v, which project the encoder's output) see
/// the input positions, the rest of the decoder and the lm_head the target positions.</item>
/// <item>LoRA: a frozen weight still costs its forward (2) and input-gradient (2) FLOPs, since gradients flow through
/// it to the adapters below, but no weight gradient: 4 per element and position. The adapters' own A and B
/// matrices cost the full 6.</item>
/// </list>
/// Attention's score and weighted-sum products (2·T·d per layer and position, PaLM's 12·L·T·d term) are not counted,
/// as in 6·N; at 128 positions they are a few per cent of the total.
/// </summary>
/// <param name="NonEmbeddingParameters">N of the MFU: all but the embedding tables (LoRA: the adapters included).</param>
/// <param name="KaplanParameters">N without the lm_head and the adapters: Kaplan et al.'s non-embedding count of the base model.</param>
/// <param name="AdapterParameters">LoRA's A and B matrices; 0 for full fine-tuning.</param>
/// <param name="FlopsPerExample">Training FLOPs of one example by the rule above.</param>
public sealed record ModelFlops(long NonEmbeddingParameters, long KaplanParameters, long AdapterParameters, double FlopsPerExample)
{
    public static ModelFlops Of(nn.Module model, bool seq2seq, int inputPositions, int targetPositions)
    {
        ArgumentNullException.ThrowIfNull(model);
        // By name: a module's weight getter hands out a new tensor handle each time, so handles cannot be compared.
        var embeddingNames = model.named_modules().Where(m => m.module is Embedding).Select(m => $"{m.name}.weight").ToHashSet();
        var parameters = model.named_parameters().ToList();
        var embeddings = parameters.Where(p => embeddingNames.Contains(p.name)).Select(p => p.parameter).ToList();
        long nonEmbedding = 0, lmHead = 0, adapters = 0;
        double flops = 0;
        foreach (var (name, parameter) in parameters)
        {
            if (embeddingNames.Contains(name)) continue;
            var count = parameter.numel();
            nonEmbedding += count;
            if (name.StartsWith("lm_head.", StringComparison.Ordinal)) lmHead += count;
            if (name.Contains(".lora_", StringComparison.Ordinal)) adapters += count;
            flops += FlopsPerElement(parameter) * count * Positions(name, seq2seq, inputPositions, targetPositions);
        }
        var kaplan = nonEmbedding - lmHead - adapters;
        if (lmHead == 0)
        {
            // Tied: the token embedding is also the output projection over the (decoder's) positions.
            var tied = embeddings.MaxBy(w => w.numel())!;
            nonEmbedding += tied.numel();
            flops += FlopsPerElement(tied) * tied.numel() * (seq2seq ? targetPositions : inputPositions);
        }
        return new ModelFlops(nonEmbedding, kaplan, adapters, flops);
    }

    /// <summary>FLOPs per example per second over the fp32 ceiling: the model-FLOPs utilisation, 0..1.</summary>
    public double Utilisation(int examplesPerStep, double stepSeconds, double ceilingGflops) =>
        FlopsPerExample * examplesPerStep / stepSeconds / (ceilingGflops * 1e9);

    // Trained weights: forward + input gradient + weight gradient; frozen ones only the first two.
    private static double FlopsPerElement(Tensor parameter) => parameter.requires_grad ? 6 : 4;

    private static int Positions(string name, bool seq2seq, int inputPositions, int targetPositions)
    {
        if (!seq2seq) return inputPositions;
        if (name.StartsWith("encoder.", StringComparison.Ordinal)) return inputPositions;
        // The decoder's cross-attention keys and values are computed from the encoder's output, once per input position.
        if (name.Contains(".EncDecAttention.k.", StringComparison.Ordinal) || name.Contains(".EncDecAttention.v.", StringComparison.Ordinal))
            return inputPositions;
        return targetPositions;
    }
}
