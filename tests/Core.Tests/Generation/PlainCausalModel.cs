using TorchSharp;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Generation;

/// <summary>
/// A decoder-only model with only the base contract's forward: no cache and no left-padding support, like a family
/// that implements neither. Wraps a real model so its outputs can be compared with the full implementation.
/// </summary>
internal sealed class PlainCausalModel : CausalLanguageModel
{
    private readonly CausalLanguageModel inner;

    public PlainCausalModel(CausalLanguageModel inner) : base(nameof(PlainCausalModel))
    {
        this.inner = inner;
        RegisterComponents();
    }

    public override int VocabSize => inner.VocabSize;

    public override int MaxPositions => inner.MaxPositions;

    public override Tensor forward(Tensor inputIds) => inner.forward(inputIds);
}
