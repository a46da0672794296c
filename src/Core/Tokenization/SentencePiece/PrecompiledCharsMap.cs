using System.Buffers.Binary;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's compiled normalisation rules (<c>NormalizerSpec.precompiled_charsmap</c>): a darts-clone
/// double-array trie over UTF-8 byte strings whose values are offsets of NUL-terminated replacements. Blob layout:
/// <c>uint32 trie size (little endian) | trie units (uint32 each) | replacement strings</c>.
/// Written here because Microsoft.ML.Tokenizers' normaliser is not usable (see SentencePieceTextNormalizer).
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _replacements;

    private PrecompiledCharsMap(uint[] units, byte[] replacements)
    {
        _units = units;
        _replacements = replacements;
    }

    /// <summary>Null for an empty blob (the identity normaliser).</summary>
    public static PrecompiledCharsMap? FromBlob(byte[] blob)
    {
        if (blob.Length == 0)
        {
            return null;
        }

        if (blob.Length < 4)
        {
            throw new InvalidDataException("precompiled_charsmap is shorter than its 4-byte header.");
        }

        var trieBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes % 4 != 0 || trieBytes > blob.Length - 4)
        {
            throw new InvalidDataException($"precompiled_charsmap declares a {trieBytes}-byte trie in a {blob.Length}-byte blob.");
        }

        var units = new uint[trieBytes / 4];
        for (var i = 0; i < units.Length; i++)
        {
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + (4 * i)));
        }

        return new PrecompiledCharsMap(units, blob[(4 + trieBytes)..]);
    }

    /// <summary>
    /// The longest rule matching a prefix of <paramref name="input"/>: how many bytes it consumes and what they
    /// become. False when no rule matches.
    /// </summary>
    public bool TryMatchLongestPrefix(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> replacement)
    {
        consumed = 0;
        var valueOffset = 0;
        uint node = Offset(_units[0]);
        for (var i = 0; i < input.Length; i++)
        {
            node ^= input[i];
            if (node >= _units.Length)
            {
                break;
            }

            var unit = _units[node];
            if (Label(unit) != input[i])
            {
                break;
            }

            // The leaf flag sits on the matched unit; the value sits on the unit its offset points to.
            node ^= Offset(unit);
            if (HasLeaf(unit) && node < _units.Length)
            {
                consumed = i + 1;
                valueOffset = (int)Value(_units[node]);
            }
        }

        if (consumed == 0)
        {
            replacement = default;
            return false;
        }

        var rest = _replacements.AsSpan(valueOffset);
        var end = rest.IndexOf((byte)0);
        replacement = end < 0 ? rest : rest[..end];
        return true;
    }

    // darts-clone DoubleArrayUnit accessors.
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Value(uint unit) => unit & 0x7FFF_FFFFu;

    private static uint Label(uint unit) => unit & 0x8000_00FFu;

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
