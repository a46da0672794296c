using TorchSharp;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>A model read from a Hugging Face folder, with its config and size.</summary>
/// <param name="Model">In eval mode, on the requested device, weights in fp32 unless loaded with
/// <see cref="WeightLoadOptions"/> (bf16, or linear layers quantized as <see cref="QuantizedLinear"/>).</param>
/// <param name="ParameterCount">Trainable tensors' elements; a tied matrix counts once.</param>
/// <param name="ParameterBytes">Bytes those parameters occupy on the device (a quantized weight: its codes and scales).</param>
public sealed record LoadedModel(torch.nn.Module Model, PretrainedConfig Config, long ParameterCount, long ParameterBytes)
    : IDisposable
{
    /// <summary>The dtype the checkpoint stores its floating-point tensors in, when they all share one (safetensors); else null.</summary>
    public torch.ScalarType? CheckpointDtype { get; init; }

    /// <summary>The model as a decoder-only LM; throws for encoder-decoder families.</summary>
    public CausalLanguageModel AsCausalLanguageModel() =>
        Model as CausalLanguageModel
        ?? throw new NotSupportedException($"Model type '{Config.ModelType}' is not a decoder-only (causal) language model.");

    /// <summary>The model as an encoder-decoder LM; throws for decoder-only families.</summary>
    public Seq2SeqLanguageModel AsSeq2SeqLanguageModel() =>
        Model as Seq2SeqLanguageModel
        ?? throw new NotSupportedException($"Model type '{Config.ModelType}' is not an encoder-decoder (seq2seq) language model.");

    public void Dispose() => Model.Dispose();
}
