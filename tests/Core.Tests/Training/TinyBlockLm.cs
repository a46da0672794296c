using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// A small decoder whose blocks are modules of their own, each with a <see cref="BlockBackwardSignal"/> at its input,
/// so that it reports each block's backward as the real models do for <see cref="TrainingOptions.OptimizerInBackward"/>:
/// token + position embeddings, <c>layers</c> pre-norm MLP blocks, final norm, LM head.
/// </summary>
internal sealed class TinyBlockLm : CausalLanguageModel, IBlockBackwardHooks
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<TinyMlpBlock> h;
    private readonly LayerNorm ln_f;
    private readonly Linear lm_head;

    public TinyBlockLm(int vocabSize, int maxPositions, int layers = 3, int width = 32) : base(nameof(TinyBlockLm))
    {
        VocabSize = vocabSize;
        MaxPositions = maxPositions;
        wte = nn.Embedding(vocabSize, width);
        wpe = nn.Embedding(maxPositions, width);
        h = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new TinyMlpBlock(width)).ToArray());
        ln_f = nn.LayerNorm(width);
        lm_head = nn.Linear(width, vocabSize, hasBias: false);
        RegisterComponents();
    }

    public override int VocabSize { get; }
    public override int MaxPositions { get; }
    private Action<nn.Module>? _blockBackward;

    public Action<nn.Module>? BlockBackward
    {
        get => Spy is null || _blockBackward is null ? _blockBackward : block => { Spy(block); _blockBackward(block); };
        set => _blockBackward = value;
    }

    /// <summary>Runs before the trainer's hook, to look at the model as the hook finds it.</summary>
    public Action<nn.Module>? Spy { get; set; }

    public IReadOnlyList<nn.Module> Blocks => h.ToList();

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        Tensor positions = arange(ids.shape[1], dtype: ScalarType.Int64, device: ids.device);
        Tensor x = wte.call(ids) + wpe.call(positions);
        foreach (TinyMlpBlock block in h)
        {
            x = block.call(BlockBackwardSignal.At(x, block, this));
        }
        return lm_head.call(ln_f.call(x)).MoveToOuterDisposeScope();
    }

    public static TinyBlockLm New(int seed = 0)
    {
        torch.manual_seed(seed);
        return new TinyBlockLm(TrainerTestKit.Tokenizer.VocabSize, maxPositions: 32);
    }
}
