namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>One entry of <c>ModelProto.pieces</c>; its index in the list is its id.</summary>
internal readonly record struct ModelPiece(string Text, float Score, PieceType Type);
