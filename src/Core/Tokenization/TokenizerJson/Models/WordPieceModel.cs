namespace TuningService.Core.Tokenization.TokenizerJson.Models;

/// <summary>
/// tokenizers' WordPiece (BERT): greedy longest match from the left, continuing pieces spelled with the prefix
/// ("##"); a word with a part that matches nothing, or longer than max_input_chars_per_word, is the unknown token.
/// </summary>
internal sealed class WordPieceModel(Dictionary<string, int> vocabulary, int unkId, string prefix, int maxInputCharsPerWord) : ITokenModel
{
    public IReadOnlyDictionary<string, int> Vocabulary => vocabulary;

    public int? UnkId => unkId;

    public void Tokenize(string word, List<int> ids)
    {
        if (word.EnumerateRunes().Count() > maxInputCharsPerWord)
        {
            ids.Add(unkId);
            return;
        }

        var mark = ids.Count;
        for (var start = 0; start < word.Length;)
        {
            var found = false;
            for (var end = word.Length; end > start; end--)
            {
                if (end < word.Length && char.IsLowSurrogate(word[end]))
                {
                    continue; // not a character boundary
                }

                var piece = start > 0 ? prefix + word[start..end] : word[start..end];
                if (vocabulary.TryGetValue(piece, out var id))
                {
                    ids.Add(id);
                    start = end;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                ids.RemoveRange(mark, ids.Count - mark);
                ids.Add(unkId);
                return;
            }
        }
    }
}
