using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models;
using TuningService.Core.Models.Checkpointing;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// A small decoder whose blocks are modules of their own, run through <see cref="BlockCheckpointing"/> as the real
/// models' blocks are, so that it reports each block's backward for <see cref="TrainingOptions.OptimizerInBackward"/>:
/// token + position embeddings, <c>layers</c> pre-norm MLP blocks, final norm, LM head.
/// </summary>
internal sealed class TinyBlockLm : CausalLanguageModel
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

    /// <summary>Runs before the trainer's hook, to look at the model as the hook finds it.</summary>
    public Action<nn.Module>? Spy { get; set; }

    public IReadOnlyList<nn.Module> Blocks => h.ToList();

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        Tensor positions = arange(ids.shape[1], dtype: ScalarType.Int64, device: ids.device);
        Tensor x = wte.call(ids) + wpe.call(positions);
        // The spy sees each block before the trainer's hook does (the blocks take the hook as they run forward).
        BlockGradientsReady? trainerHook = Checkpointing.GradientsReady;
        if (Spy is { } spy && trainerHook is not null)
        {
            Checkpointing.GradientsReady = block => { spy(block); trainerHook(block); };
        }
        try
        {
            foreach (TinyMlpBlock block in h)
            {
                x = Checkpointing.Run(block, inputs => block.call(inputs[0]), x);
            }
        }
        finally
        {
            Checkpointing.GradientsReady = trainerHook;
        }
        return lm_head.call(ln_f.call(x)).MoveToOuterDisposeScope();
    }

    public static TinyBlockLm New(int seed = 0)
    {
        torch.manual_seed(seed);
        return new TinyBlockLm(TrainerTestKit.Tokenizer.VocabSize, maxPositions: 32);
    }
}
