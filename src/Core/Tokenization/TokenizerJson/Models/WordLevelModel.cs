namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>tokenizers' WordLevel: each pre-token is one vocabulary entry, else the unknown token.</summary>
internal sealed class WordLevelModel(Dictionary<string, int> vocabulary, int? unkId, string source) : ITokenModel
{
    public IReadOnlyDictionary<string, int> Vocabulary => vocabulary;

    public int? UnkId => unkId;

    public void Tokenize(string word, List<int> ids)
    {
        if (vocabulary.TryGetValue(word, out var id))
        {
            ids.Add(id);
        }
        else
        {
            ids.Add(unkId ?? throw new InvalidOperationException($"'{source}': WordLevel has no unk_token for the word \"{word}\"."));
        }
    }
}
