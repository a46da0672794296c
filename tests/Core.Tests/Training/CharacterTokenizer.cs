using TuningService.Core.Tokenization;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// A real, tiny tokenizer for training tests: one id per printable ASCII character after four special ids,
/// so expected ids can be worked out by hand ('a' = 'a' - ' ' + 4 = 69).
/// </summary>
internal sealed class CharacterTokenizer(bool addBos = true, bool hasPad = true) : ITextTokenizer
{
    public const int Pad = 0, Bos = 1, Eos = 2, Unk = 3;
    private const int FirstCharacterId = 4;
    private const char FirstCharacter = ' ', LastCharacter = '~';

    public int VocabSize => FirstCharacterId + (LastCharacter - FirstCharacter + 1);
    public int? BosId => Bos;
    public int? EosId => Eos;
    public int? PadId => hasPad ? Pad : null;
    public int? UnkId => Unk;
    public bool AddBos => addBos;

    public static int Id(char c) => c is >= FirstCharacter and <= LastCharacter ? FirstCharacterId + (c - FirstCharacter) : Unk;

    public IReadOnlyList<int> Encode(string text) => text.Select(Id).ToArray();

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) =>
        string.Concat(ids
            .Where(id => !skipSpecialTokens || id >= FirstCharacterId)
            .Select(id => id >= FirstCharacterId ? (char)(FirstCharacter + id - FirstCharacterId) : '?'));
}
