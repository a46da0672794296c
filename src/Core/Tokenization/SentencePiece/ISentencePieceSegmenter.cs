namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>Splits normalised text (spaces already escaped as U+2581) into piece ids.</summary>
internal interface ISentencePieceSegmenter
{
    void Segment(string normalized, List<int> ids);
}
