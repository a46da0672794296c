using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// A right-padded batch held on the host as row-major [Rows, Columns] arrays; counts are known here so the
/// training loop never has to ask the device for them.
/// </summary>
/// <param name="RealTokenCount">Tokens that are not padding (for tokens/second).</param>
/// <param name="PredictedTokenCount">Labelled positions the loss averages over (after the causal shift for causal LMs).</param>
/// <param name="InputMask">[Rows, Columns]: 1 on real input tokens, 0 on padding.</param>
/// <param name="LabelColumns">Width of <paramref name="Labels"/>: equal to Columns for causal LMs, the target length for seq2seq.</param>
public sealed record PaddedBatch(long[] InputIds, long[] Labels, int Rows, int Columns, int RealTokenCount, int PredictedTokenCount,
    long[] InputMask, int LabelColumns)
{
    /// <summary>Creates the int64 tensors on <paramref name="device"/>, owned by the current dispose scope.</summary>
    public (Tensor InputIds, Tensor Labels) ToTensors(Device device)
    {
        Tensor ids = torch.tensor(InputIds, [Rows, Columns], dtype: ScalarType.Int64, device: device);
        Tensor labels = torch.tensor(Labels, [Rows, LabelColumns], dtype: ScalarType.Int64, device: device);
        return (ids, labels);
    }

    public Tensor MaskTensor(Device device) => torch.tensor(InputMask, [Rows, Columns], dtype: ScalarType.Int64, device: device);
}
