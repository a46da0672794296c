using System.Buffers;
using System.Text;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// Ids to text the way sentencepiece 0.1.97 decodes: U+2581 becomes a space; the first piece loses one leading
/// U+2581 when the model adds a dummy prefix or removes extra whitespace; control pieces are invisible;
/// <c>&lt;unk&gt;</c> becomes the model's unk_surface (" ⁇ " by default, where Microsoft.ML.Tokenizers gives "");
/// runs of byte pieces are decoded as UTF-8 with one U+FFFD per invalid byte.
/// </summary>
internal sealed class SentencePieceDecoder
{
    private readonly IReadOnlyList<ModelPiece> _pieces;
    private readonly string[] _surfaces;
    private readonly string _unkSurface;
    private readonly bool _stripsLeadingSpace;

    // Measured against sentencepiece 0.1.97: with remove_extra_whitespaces, pieces whose surface comes out empty
    // (a lone "▁" at the start) do not end the leading position; without it, any non-control piece does.
    private readonly bool _emptySurfaceKeepsLeadingPosition;

    public SentencePieceDecoder(SentencePieceModel model)
    {
        _pieces = model.Pieces;
        _surfaces = model.Pieces.Select(piece => piece.Text.Replace('\u2581', ' ')).ToArray();
        _unkSurface = model.Trainer.UnkSurface;
        _stripsLeadingSpace = model.Normalizer.AddDummyPrefix || model.Normalizer.RemoveExtraWhitespaces;
        _emptySurfaceKeepsLeadingPosition = model.Normalizer.RemoveExtraWhitespaces;
    }

    /// <param name="ids">Piece ids.</param>
    /// <param name="isSkipped">Ids to leave out (control pieces, configured specials).</param>
    public string Decode(IEnumerable<int> ids, Func<int, bool> isSkipped)
    {
        var text = new StringBuilder();
        var pendingBytes = new ArrayBufferWriter<byte>();
        var atStart = true;
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_pieces.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Piece id out of range: the model has {_pieces.Count} pieces.");
            }

            if (isSkipped(id))
            {
                continue;
            }

            var piece = _pieces[id];
            if (BytePieces.TryGetByteValue(piece, out var value))
            {
                pendingBytes.Write([value]);
                atStart = false;
                continue;
            }

            FlushBytes(pendingBytes, text);
            switch (piece.Type)
            {
                case PieceType.Control:
                    // Only reached when control pieces are kept: written as their text, and what follows is
                    // decoded as a new sequence, as Hugging Face's slow tokenizers do around special tokens.
                    text.Append(piece.Text);
                    atStart = true;
                    break;
                case PieceType.Unknown:
                    text.Append(_unkSurface);
                    atStart = false;
                    break;
                default:
                    var surface = _surfaces[id];
                    if (atStart && _stripsLeadingSpace && piece.Text.StartsWith('\u2581'))
                    {
                        surface = surface[1..];
                    }

                    text.Append(surface);
                    atStart &= surface.Length == 0 && _emptySurfaceKeepsLeadingPosition;
                    break;
            }
        }

        FlushBytes(pendingBytes, text);
        return text.ToString();
    }

    private static void FlushBytes(ArrayBufferWriter<byte> pending, StringBuilder text)
    {
        // Not Encoding.UTF8.GetString: it replaces a truncated sequence with one U+FFFD, sentencepiece with one per byte.
        var bytes = pending.WrittenSpan;
        Span<char> utf16 = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
            {
                text.Append(utf16[..rune.EncodeToUtf16(utf16)]);
                bytes = bytes[consumed..];
            }
            else
            {
                text.Append('\uFFFD');
                bytes = bytes[1..];
            }
        }

        pending.ResetWrittenCount();
    }
}
