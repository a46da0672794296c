namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// One pre-tokenizer of tokenizer.json: splits (and maybe rewrites) one piece into pieces, appended to
/// <paramref name="output"/>. Empty pieces are never appended (tokenizers drops them). A Sequence is the steps
/// applied in turn to every piece, so it is flattened into its steps when the file is read.
/// </summary>
internal interface IPreTokenizer
{
    void Split(PreToken piece, List<PreToken> output);
}
