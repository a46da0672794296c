namespace TuningService.Core.ChatTemplates;

/// <summary>One token: its kind, its value (decoded for strings) and its offset in the newline-normalised source.</summary>
internal readonly record struct TemplateToken(TokenKind Kind, string Value, int Offset)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string value) => Kind == TokenKind.Name && Value == value;

    public bool IsOperator(string value) => Kind == TokenKind.Operator && Value == value;

    /// <summary>How an error message names the token ("'}'", "end of statement block").</summary>
    public string Describe() => Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockBegin => "begin of statement block",
        TokenKind.VariableBegin => "begin of print statement",
        TokenKind.String => "string",
        TokenKind.Data => "template data",
        _ => $"'{Value}'",
    };
}
