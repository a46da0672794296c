using System.Numerics;
using System.Runtime.InteropServices;

namespace TuningService.Core.Training;

/// <summary>
/// <see cref="AdamW8bit"/>'s update of one quantized parameter as one pass over host memory, block by block: read the
/// weight, gradient and codes, write them back, nothing else. The arithmetic is the tensor path's, operation for
/// operation (the same roundings, no fused multiply-adds), so both give the same moments, bit for bit, and the same
/// weights but for the last bit of some square roots (libtorch's vectorized float32 sqrt is not always correctly
/// rounded; C#'s is). What differs is the cost: the
/// tensor path makes about 30 passes over float32 temporaries per element and, on a CPU shared with other work, waits
/// on libtorch's thread pool at each of its many small operations (measured in bench/OptimizerBench).
/// </summary>
internal static class AdamW8bitCpuUpdate
{
    private const int BlockSize = BlockwiseQuantizedTensor.BlockSize;

    public static void Update(Span<byte> weightBytes, Span<byte> gradBytes, BlockwiseQuantizedTensor mean, BlockwiseQuantizedTensor variance,
        DynamicQuantizationMap signedMap, DynamicQuantizationMap unsignedMap, AdamWCoefficients c)
    {
        Span<float> weight = MemoryMarshal.Cast<byte, float>(weightBytes);
        ReadOnlySpan<float> grad = MemoryMarshal.Cast<byte, float>(gradBytes);
        Span<byte> meanCodes = mean.Codes.bytes, varianceCodes = variance.Codes.bytes;
        Span<float> meanAbsmax = MemoryMarshal.Cast<byte, float>(mean.Absmax.bytes);
        Span<float> varianceAbsmax = MemoryMarshal.Cast<byte, float>(variance.Absmax.bytes);
        ReadOnlySpan<float> signedValues = signedMap.HostValues, unsignedValues = unsignedMap.HostValues;
        Span<float> newMean = stackalloc float[BlockSize];
        Span<float> newVariance = stackalloc float[BlockSize];

        for (int block = 0; block < meanAbsmax.Length; block++)
        {
            int start = block * BlockSize, length = Math.Min(BlockSize, weight.Length - start);
            Span<float> m = newMean[..length], v = newVariance[..length];
            Span<byte> blockMeanCodes = meanCodes.Slice(start, BlockSize), blockVarianceCodes = varianceCodes.Slice(start, BlockSize);
            float oldMeanAbsmax = meanAbsmax[block], oldVarianceAbsmax = varianceAbsmax[block];
            for (int j = 0; j < length; j++)
            {
                m[j] = signedValues[blockMeanCodes[j]] * oldMeanAbsmax;
                v[j] = unsignedValues[blockVarianceCodes[j]] * oldVarianceAbsmax;
            }
            (float meanMax, float varianceMax) = UpdateBlock(weight.Slice(start, length), grad.Slice(start, length), m, v, c);
            // As the tensor path: an all-zero block is divided by 1, so its zeros get the code of 0.
            Divide(m, meanMax == 0 ? 1 : meanMax);
            Divide(v, varianceMax == 0 ? 1 : varianceMax);
            for (int j = 0; j < length; j++)
            {
                blockMeanCodes[j] = signedMap.Nearest(m[j]);
                blockVarianceCodes[j] = unsignedMap.Nearest(v[j]);
            }
            blockMeanCodes[length..].Fill(signedMap.ZeroCode);
            blockVarianceCodes[length..].Fill(unsignedMap.ZeroCode);
            meanAbsmax[block] = meanMax;
            varianceAbsmax[block] = varianceMax;
        }
    }

    /// <summary>The moments' and the weights' update over one block, vectorized; returns the new moments' largest
    /// magnitudes. Same expressions as <see cref="FusedAdamW.Update"/>.</summary>
    private static (float MeanMax, float VarianceMax) UpdateBlock(Span<float> weight, ReadOnlySpan<float> grad, Span<float> mean, Span<float> variance,
        AdamWCoefficients c)
    {
        int vectorized = weight.Length - weight.Length % Vector<float>.Count;
        Span<Vector<float>> w = MemoryMarshal.Cast<float, Vector<float>>(weight[..vectorized]);
        ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(grad[..vectorized]);
        Span<Vector<float>> m = MemoryMarshal.Cast<float, Vector<float>>(mean[..vectorized]);
        Span<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(variance[..vectorized]);
        Vector<float> meanMax = Vector<float>.Zero, varianceMax = Vector<float>.Zero;
        for (int i = 0; i < w.Length; i++)
        {
            Vector<float> gi = g[i];
            Vector<float> mi = m[i] * c.Beta1 + gi * c.OneMinusBeta1;
            Vector<float> vi = v[i] * c.Beta2 + gi * gi * c.OneMinusBeta2;
            m[i] = mi;
            v[i] = vi;
            meanMax = Vector.Max(meanMax, Vector.Abs(mi));
            varianceMax = Vector.Max(varianceMax, vi); // v ≥ 0
            w[i] = w[i] * c.Decay - c.StepSize * mi / (Vector.SquareRoot(vi) / c.SqrtBiasCorrection2 + new Vector<float>(c.Epsilon));
        }
        float meanLargest = 0, varianceLargest = 0;
        for (int lane = 0; lane < Vector<float>.Count; lane++)
        {
            meanLargest = Math.Max(meanLargest, meanMax[lane]);
            varianceLargest = Math.Max(varianceLargest, varianceMax[lane]);
        }
        for (int i = vectorized; i < weight.Length; i++)
        {
            float gi = grad[i];
            float mi = mean[i] * c.Beta1 + gi * c.OneMinusBeta1;
            float vi = variance[i] * c.Beta2 + gi * gi * c.OneMinusBeta2;
            mean[i] = mi;
            variance[i] = vi;
            meanLargest = Math.Max(meanLargest, MathF.Abs(mi));
            varianceLargest = Math.Max(varianceLargest, vi);
            weight[i] = weight[i] * c.Decay - c.StepSize * mi / (MathF.Sqrt(vi) / c.SqrtBiasCorrection2 + c.Epsilon);
        }
        return (meanLargest, varianceLargest);
    }

    private static void Divide(Span<float> values, float divisor)
    {
        int vectorized = values.Length - values.Length % Vector<float>.Count;
        Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values[..vectorized]);
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i] /= divisor;
        }
        for (int i = vectorized; i < values.Length; i++)
        {
            values[i] /= divisor;
        }
    }
}
