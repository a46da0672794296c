using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Generation;

/// <summary>A tokenizer whose EOS is another id, to make a model "end" where it is known to produce that id.</summary>
internal sealed class TokenizerWithEos(ITextTokenizer inner, int eosId) : ITextTokenizer
{
    public int VocabSize => inner.VocabSize;
    public int? BosId => inner.BosId;
    public int? EosId => eosId;
    public int? PadId => inner.PadId;
    public int? UnkId => inner.UnkId;
    public bool AddBos => inner.AddBos;

    public IReadOnlyList<int> Encode(string text) => inner.Encode(text);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) => inner.Decode(ids, skipSpecialTokens);
}
