using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>A pre-norm residual MLP block of <see cref="TinyBlockLm"/>: x + proj(gelu(fc(norm(x)))).</summary>
internal sealed class TinyMlpBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln;
    private readonly Linear fc;
    private readonly Linear proj;

    public TinyMlpBlock(int width) : base(nameof(TinyMlpBlock))
    {
        ln = nn.LayerNorm(width);
        fc = nn.Linear(width, 4 * width);
        proj = nn.Linear(4 * width, width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x + proj.call(nn.functional.gelu(fc.call(ln.call(x))));
}
