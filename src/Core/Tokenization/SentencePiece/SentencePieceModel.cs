namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>The parts of a SentencePiece <c>.model</c> file (a serialised <c>ModelProto</c>) that this layer uses.</summary>
internal sealed record SentencePieceModel(
    IReadOnlyList<ModelPiece> Pieces,
    SentencePieceTrainerSpec Trainer,
    SentencePieceNormalizerSpec Normalizer,
    bool HasDenormalizer);
