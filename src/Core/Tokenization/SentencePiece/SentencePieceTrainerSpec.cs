namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// The fields of <c>TrainerSpec</c> that encoding and decoding depend on. Defaults are the proto's defaults, which
/// apply when a field is absent from the file. An id of -1 means the model has no such piece.
/// </summary>
internal sealed record SentencePieceTrainerSpec
{
    public SentencePieceModelType ModelType { get; init; } = SentencePieceModelType.Unigram;
    public int UnkId { get; init; }
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;
    public int PadId { get; init; } = -1;
    public bool ByteFallback { get; init; }
    public bool TreatWhitespaceAsSuffix { get; init; }

    /// <summary>What <c>&lt;unk&gt;</c> decodes to; sentencepiece's default is " ⁇ " (U+2047 between spaces).</summary>
    public string UnkSurface { get; init; } = " \u2047 ";
}
