using System.Buffers.Binary;
using SkiaSharp;

namespace TuningService.Core.Tests.Evaluation.Plots;

/// <summary>Reads what a PNG claims to be (signature and IHDR, per the PNG specification) and decodes it.</summary>
internal static class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts a well-formed PNG of the given size, decodable by SkiaSharp, and returns the pixels.</summary>
    public static SKBitmap AssertPng(byte[] png, int width, int height)
    {
        Assert.True(png.Length > 33, "too short for a PNG");
        Assert.Equal(Signature, png[..8]);
        // The first chunk is IHDR: 4-byte length (13), "IHDR", then big-endian width and height.
        Assert.Equal(13u, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(8, 4)));
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal((uint)width, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal((uint)height, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(20, 4)));
        var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        return bitmap;
    }

    /// <summary>How many pixels differ between two images of the same size.</summary>
    public static int DifferingPixels(SKBitmap first, SKBitmap second)
    {
        var differing = 0;
        for (var y = 0; y < first.Height; y++)
        {
            for (var x = 0; x < first.Width; x++)
            {
                if (first.GetPixel(x, y) != second.GetPixel(x, y)) differing++;
            }
        }
        return differing;
    }
}
