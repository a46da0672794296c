using System.Text;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Generation;

/// <summary>Ids 0..255 are UTF-8 bytes, 256 is EOS: a character may take several tokens, as with byte fallback.</summary>
internal sealed class ByteTokenizer : ITextTokenizer
{
    public const int Eos = 256;

    public int VocabSize => 257;
    public int? BosId => null;
    public int? EosId => Eos;
    public int? PadId => null;
    public int? UnkId => null;
    public bool AddBos => false;

    public IReadOnlyList<int> Encode(string text) => Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        var list = ids.ToList();
        var bytes = list.Where(id => id != Eos).Select(id => (byte)id).ToArray();
        var eos = !skipSpecialTokens && list.Contains(Eos) ? "</s>" : "";
        return Encoding.UTF8.GetString(bytes) + eos;
    }
}
