using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>One adapter's matrices for one layer: the update s · B (A x), A [r, in] and B [out, r] on the layer's device and dtype.</summary>
internal sealed record LayerAdapter(Tensor A, Tensor B, double Scaling) : IDisposable
{
    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
