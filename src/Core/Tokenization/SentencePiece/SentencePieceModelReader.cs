using Google.Protobuf;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// Reads a serialised SentencePiece <c>ModelProto</c> with Google.Protobuf's wire reader. The generated classes
/// that Microsoft.ML.Tokenizers uses are internal to it, and only a dozen fields matter here, so the fields are
/// read by number (sentencepiece_model.proto) rather than through generated code.
/// </summary>
internal static class SentencePieceModelReader
{
    public static SentencePieceModel Read(byte[] modelBytes)
    {
        var pieces = new List<ModelPiece>();
        var trainer = new SentencePieceTrainerSpec();
        var normalizer = new SentencePieceNormalizerSpec();
        var hasDenormalizer = false;

        var input = new CodedInputStream(modelBytes);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: pieces.Add(ReadPiece(input.ReadBytes())); break;
                // A message field that occurs twice is merged field by field, as protobuf specifies.
                case 2: trainer = ReadTrainerSpec(input.ReadBytes(), trainer); break;
                case 3: normalizer = ReadNormalizerSpec(input.ReadBytes(), normalizer); break;
                case 5: hasDenormalizer |= ReadNormalizerSpec(input.ReadBytes(), new()).PrecompiledCharsMap.Length > 0; break;
                default: input.SkipLastField(); break;
            }
        }

        return new SentencePieceModel(pieces, trainer, normalizer, hasDenormalizer);
    }

    private static ModelPiece ReadPiece(ByteString message)
    {
        string text = "";
        float score = 0;
        var type = PieceType.Normal;
        var input = message.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: text = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = (PieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }

        return new ModelPiece(text, score, type);
    }

    private static SentencePieceTrainerSpec ReadTrainerSpec(ByteString message, SentencePieceTrainerSpec spec)
    {
        var input = message.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            spec = WireFormat.GetTagFieldNumber(tag) switch
            {
                3 => spec with { ModelType = (SentencePieceModelType)input.ReadEnum() },
                24 => spec with { TreatWhitespaceAsSuffix = input.ReadBool() },
                35 => spec with { ByteFallback = input.ReadBool() },
                40 => spec with { UnkId = input.ReadInt32() },
                41 => spec with { BosId = input.ReadInt32() },
                42 => spec with { EosId = input.ReadInt32() },
                43 => spec with { PadId = input.ReadInt32() },
                44 => spec with { UnkSurface = input.ReadString() },
                _ => Skip(input, spec),
            };
        }

        return spec;
    }

    private static SentencePieceNormalizerSpec ReadNormalizerSpec(ByteString message, SentencePieceNormalizerSpec spec)
    {
        var input = message.CreateCodedInput();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            spec = WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => spec with { Name = input.ReadString() },
                2 => spec with { PrecompiledCharsMap = input.ReadBytes().ToByteArray() },
                3 => spec with { AddDummyPrefix = input.ReadBool() },
                4 => spec with { RemoveExtraWhitespaces = input.ReadBool() },
                5 => spec with { EscapeWhitespaces = input.ReadBool() },
                _ => Skip(input, spec),
            };
        }

        return spec;
    }

    private static T Skip<T>(CodedInputStream input, T unchanged)
    {
        input.SkipLastField();
        return unchanged;
    }
}
