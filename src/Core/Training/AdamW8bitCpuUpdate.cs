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
            float oldMeanAbsmax = meanAbsmax[block], oldVarianceAbsmax = varianceAbsmax[block];
            float meanMax = 0, varianceMax = 0;
            for (int j = 0; j < length; j++)
            {
                int i = start + j;
                float g = grad[i];
                float m = signedValues[meanCodes[i]] * oldMeanAbsmax;
                float v = unsignedValues[varianceCodes[i]] * oldVarianceAbsmax;
                m = m * c.Beta1 + g * c.OneMinusBeta1;
                v = v * c.Beta2 + g * g * c.OneMinusBeta2;
                newMean[j] = m;
                newVariance[j] = v;
                float magnitude = MathF.Abs(m);
                meanMax = magnitude > meanMax ? magnitude : meanMax;
                varianceMax = v > varianceMax ? v : varianceMax; // v ≥ 0
                weight[i] = weight[i] * c.Decay - c.StepSize * m / (MathF.Sqrt(v) / c.SqrtBiasCorrection2 + c.Epsilon);
            }
            // As the tensor path: an all-zero block is divided by 1, so its zeros get the code of 0.
            float meanDivisor = meanMax == 0 ? 1 : meanMax, varianceDivisor = varianceMax == 0 ? 1 : varianceMax;
            for (int j = 0; j < length; j++)
            {
                meanCodes[start + j] = signedMap.Nearest(newMean[j] / meanDivisor);
                varianceCodes[start + j] = unsignedMap.Nearest(newVariance[j] / varianceDivisor);
            }
            meanCodes.Slice(start + length, BlockSize - length).Fill(signedMap.ZeroCode);
            varianceCodes.Slice(start + length, BlockSize - length).Fill(unsignedMap.ZeroCode);
            meanAbsmax[block] = meanMax;
            varianceAbsmax[block] = varianceMax;
        }
    }
}
