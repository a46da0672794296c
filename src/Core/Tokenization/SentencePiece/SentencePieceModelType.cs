namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>SentencePiece's <c>TrainerSpec.ModelType</c>, with the proto's numbering.</summary>
internal enum SentencePieceModelType
{
    Unigram = 1,
    Bpe = 2,
    Word = 3,
    Char = 4,
}
