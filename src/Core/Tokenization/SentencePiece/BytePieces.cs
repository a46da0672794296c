using System.Globalization;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>Byte-fallback pieces are named "&lt;0xXX&gt;" and typed BYTE.</summary>
internal static class BytePieces
{
    /// <summary>Piece id for each byte value, -1 where the model has none.</summary>
    public static int[] IdsByByteValue(IReadOnlyList<ModelPiece> pieces)
    {
        var ids = Enumerable.Repeat(-1, 256).ToArray();
        for (var id = 0; id < pieces.Count; id++)
        {
            if (TryGetByteValue(pieces[id], out var value))
            {
                ids[value] = id;
            }
        }

        return ids;
    }

    public static bool TryGetByteValue(ModelPiece piece, out byte value)
    {
        value = 0;
        var text = piece.Text;
        return piece.Type == PieceType.Byte
            && text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            && byte.TryParse(text.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
