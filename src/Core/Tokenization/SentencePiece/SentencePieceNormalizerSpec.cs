namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// <c>NormalizerSpec</c> as stored in a model. Defaults are the proto's defaults. <see cref="PrecompiledCharsMap"/>
/// holds the compiled normalisation rules (e.g. nmt_nfkc); it is empty for the identity normaliser.
/// </summary>
internal sealed record SentencePieceNormalizerSpec
{
    public string Name { get; init; } = "";
    public byte[] PrecompiledCharsMap { get; init; } = [];
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;
}
