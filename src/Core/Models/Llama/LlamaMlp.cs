using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>SwiGLU feed-forward: down_proj(silu(gate_proj(x)) · up_proj(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    public LlamaMlp(LlamaConfig config) : base(nameof(LlamaMlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBias);
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(gate_proj): gate_proj = replacement; break;
            case nameof(up_proj): up_proj = replacement; break;
            case nameof(down_proj): down_proj = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x) => IntermediatesFreed.After(() =>
        down_proj.forward(nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x)));
}
