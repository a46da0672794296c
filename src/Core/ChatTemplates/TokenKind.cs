namespace TuningService.Core.ChatTemplates;

internal enum TokenKind
{
    /// <summary>Template text between tags.</summary>
    Data,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    /// <summary>A string literal; the token's value is the decoded string.</summary>
    String,
    Integer,
    Float,
    Operator,
    Eof,
}
