using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// A one-block GPT small enough to train in a test: token + position embeddings, one single-head causal
/// self-attention, one MLP, final norm, LM head, and optional dropout on both residual branches (so that tests
/// see whether training replays torch's random numbers). Counts forward passes so tests can see how many steps ran.
/// </summary>
internal sealed class TinyCausalLm : CausalLanguageModel
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly Linear c_attn;
    private readonly Linear c_proj;
    private readonly LayerNorm ln_1;
    private readonly LayerNorm ln_2;
    private readonly Linear mlp_fc;
    private readonly Linear mlp_proj;
    private readonly LayerNorm ln_f;
    private readonly Linear lm_head;
    private readonly Dropout dropout;
    private readonly int _width;

    public TinyCausalLm(int vocabSize, int maxPositions, int width = 64, double dropoutRate = 0) : base(nameof(TinyCausalLm))
    {
        VocabSize = vocabSize;
        MaxPositions = maxPositions;
        _width = width;
        wte = nn.Embedding(vocabSize, width);
        wpe = nn.Embedding(maxPositions, width);
        c_attn = nn.Linear(width, 3 * width);
        c_proj = nn.Linear(width, width);
        ln_1 = nn.LayerNorm(width);
        ln_2 = nn.LayerNorm(width);
        mlp_fc = nn.Linear(width, 4 * width);
        mlp_proj = nn.Linear(4 * width, width);
        ln_f = nn.LayerNorm(width);
        lm_head = nn.Linear(width, vocabSize, hasBias: false);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public override int VocabSize { get; }
    public override int MaxPositions { get; }
    public int ForwardCount { get; private set; }

    public Tensor LmHeadWeight => lm_head.weight!;

    public override Tensor forward(Tensor ids)
    {
        ForwardCount++;
        using var scope = NewDisposeScope();
        long time = ids.shape[1];
        Tensor positions = arange(time, dtype: ScalarType.Int64, device: ids.device);
        Tensor x = wte.call(ids) + wpe.call(positions);                     // (B, T, C)
        Tensor[] qkv = c_attn.call(ln_1.call(x)).split(_width, dim: -1);    // 3 × (B, T, C)
        Tensor attended = nn.functional.scaled_dot_product_attention(
            qkv[0].unsqueeze(1), qkv[1].unsqueeze(1), qkv[2].unsqueeze(1), is_casual: true).squeeze(1); // (B, T, C)
        x = x + dropout.call(c_proj.call(attended));
        x = x + dropout.call(mlp_proj.call(nn.functional.gelu(mlp_fc.call(ln_2.call(x)))));
        return lm_head.call(ln_f.call(x)).MoveToOuterDisposeScope();        // (B, T, V)
    }
}
