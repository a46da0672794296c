using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Gated feed-forward: down_proj(act(gate) · up), with act silu (SwiGLU) or tanh-approximated GELU (Gemma), and
/// gate/up either separate or Phi-3's fused gate_up_proj.
/// </summary>
public sealed class DecoderMlp : nn.Module<Tensor, Tensor>, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    // Either gate_proj and up_proj or (Phi-3) gate_up_proj exists; the others stay null and are not registered.
    private nn.Module<Tensor, Tensor>? gate_proj;
    private nn.Module<Tensor, Tensor>? up_proj;
    private nn.Module<Tensor, Tensor>? gate_up_proj;
    private nn.Module<Tensor, Tensor> down_proj;
    private readonly bool geluTanh;

    public DecoderMlp(DecoderConfig config) : base(nameof(DecoderMlp))
    {
        if (config.FusedProjections)
        {
            gate_up_proj = nn.Linear(config.HiddenSize, 2 * config.IntermediateSize, hasBias: false);
        }
        else
        {
            gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
            up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        }
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        geluTanh = config.HiddenActivation == "gelu_pytorch_tanh";
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(gate_proj) when gate_proj is not null: gate_proj = replacement; break;
            case nameof(up_proj) when up_proj is not null: up_proj = replacement; break;
            case nameof(gate_up_proj) when gate_up_proj is not null: gate_up_proj = replacement; break;
            case nameof(down_proj): down_proj = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    public override Tensor forward(Tensor x) => IntermediatesFreed.After(() => Feed(x));

    private Tensor Feed(Tensor x)
    {
        Tensor gate, up;
        if (gate_up_proj is null)
        {
            (gate, up) = (gate_proj!.forward(x), up_proj!.forward(x));
        }
        else
        {
            // modeling_phi3.py 63-66: gate, up_states = gate_up_proj(h).chunk(2, dim=-1); rows are gate | up.
            var fused = gate_up_proj.forward(x);
            var half = fused.shape[^1] / 2;
            (gate, up) = (fused.narrow(-1, 0, half), fused.narrow(-1, half, half));
        }
        // gelu_pytorch_tanh is F.gelu(x, approximate="tanh"); the erf form moves Gemma logits by ~4e-3.
        var activated = geluTanh ? nn.functional.gelu(gate, GELU.Approximate.tanh) : nn.functional.silu(gate);
        return down_proj.forward(activated * up);
    }
}
