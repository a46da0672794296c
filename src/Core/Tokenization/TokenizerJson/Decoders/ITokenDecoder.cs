namespace TuningService.Core.Tokenization.TokenizerJson.Decoders;

/// <summary>
/// One decoder of tokenizer.json, as tokenizers' decode_chain: token strings in, token strings out (rewritten in
/// place); the tokenizer joins what the last one leaves. A Sequence is its decoders in turn, flattened when read.
/// </summary>
internal interface ITokenDecoder
{
    void DecodeChain(List<string> tokens);
}
