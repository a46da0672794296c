using Google.Protobuf;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// Rewrites int32 fields of <c>trainer_spec</c> in a serialised <c>ModelProto</c>, copying every other byte
/// unchanged. Needed because Microsoft.ML.Tokenizers 2.0.1's unigram model indexes its piece table with
/// <c>bos_id</c> and <c>eos_id</c> and throws IndexOutOfRangeException when one is -1, as in T5's spiece.model.
/// </summary>
internal static class TrainerSpecRewriter
{
    private const int TrainerSpecField = 2;

    public static byte[] WithInt32Fields(byte[] modelBytes, IReadOnlyDictionary<int, int> valuesByField)
    {
        using var result = new MemoryStream(modelBytes.Length + 16);
        var input = new CodedInputStream(modelBytes);
        long fieldStart = 0;
        for (uint tag; (tag = input.ReadTag()) != 0; fieldStart = input.Position)
        {
            if (WireFormat.GetTagFieldNumber(tag) == TrainerSpecField)
            {
                WriteTrainerSpec(result, input.ReadBytes().ToByteArray(), valuesByField);
                continue;
            }

            input.SkipLastField();
            result.Write(modelBytes, (int)fieldStart, (int)(input.Position - fieldStart));
        }

        return result.ToArray();
    }

    private static void WriteTrainerSpec(Stream output, byte[] trainerSpec, IReadOnlyDictionary<int, int> valuesByField)
    {
        using var rewritten = new MemoryStream(trainerSpec.Length + 16);
        var input = new CodedInputStream(trainerSpec);
        long fieldStart = 0;
        for (uint tag; (tag = input.ReadTag()) != 0; fieldStart = input.Position)
        {
            input.SkipLastField();
            if (!valuesByField.ContainsKey(WireFormat.GetTagFieldNumber(tag)))
            {
                rewritten.Write(trainerSpec, (int)fieldStart, (int)(input.Position - fieldStart));
            }
        }

        var writer = new CodedOutputStream(rewritten, leaveOpen: true);
        foreach (var (field, value) in valuesByField)
        {
            writer.WriteTag(field, WireFormat.WireType.Varint);
            writer.WriteInt32(value);
        }

        writer.Flush();

        var outer = new CodedOutputStream(output, leaveOpen: true);
        outer.WriteTag(TrainerSpecField, WireFormat.WireType.LengthDelimited);
        outer.WriteBytes(ByteString.CopyFrom(rewritten.ToArray()));
        outer.Flush();
    }
}
