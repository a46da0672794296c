namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>SentencePiece's <c>ModelProto.SentencePiece.Type</c>, with the proto's numbering.</summary>
internal enum PieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
