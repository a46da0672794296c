using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// A right-padded batch held on the host as row-major [Rows, Columns] arrays; counts are known here so the
/// training loop never has to ask the device for them.
/// </summary>
/// <param name="RealTokenCount">Tokens that are not padding (for tokens/second).</param>
/// <param name="PredictedTokenCount">Labelled positions after the causal shift, i.e. the tokens the loss averages over.</param>
public sealed record PaddedBatch(long[] InputIds, long[] Labels, int Rows, int Columns, int RealTokenCount, int PredictedTokenCount)
{
    /// <summary>Creates [Rows, Columns] int64 tensors on <paramref name="device"/>, owned by the current dispose scope.</summary>
    public (Tensor InputIds, Tensor Labels) ToTensors(Device device)
    {
        var shape = new long[] { Rows, Columns };
        Tensor ids = torch.tensor(InputIds, shape, dtype: ScalarType.Int64, device: device);
        Tensor labels = torch.tensor(Labels, shape, dtype: ScalarType.Int64, device: device);
        return (ids, labels);
    }
}
