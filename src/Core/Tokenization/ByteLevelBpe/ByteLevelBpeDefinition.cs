using System.Text.Json;

namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>
/// What a byte-level BPE tokenizer is made of, whichever file it came from: the vocabulary, the merges in rank
/// order ("a b"), the added tokens, the unknown token and, from tokenizer.json's post-processor, the BOS token
/// its template puts first.
/// </summary>
internal sealed record ByteLevelBpeDefinition(
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    string? UnkToken,
    string? TemplateBosToken)
{
    /// <summary>GPT2Tokenizer's bos, eos and unk token.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// vocab.json + merges.txt as GPT2Tokenizer reads them; &lt;|endoftext|&gt;, when the vocabulary has it, is a
    /// special added token, as GPT2Tokenizer's defaults make it.
    /// </summary>
    public static ByteLevelBpeDefinition FromVocabAndMerges(string vocabPath, string mergesPath)
    {
        Dictionary<string, int> vocabulary;
        try
        {
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))
                ?? throw new InvalidDataException($"'{vocabPath}' holds null instead of a token-to-id object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{vocabPath}' is not a JSON object of token ids: {e.Message}", e);
        }

        // GPT2Tokenizer skips the first line ("#version: 0.2") whatever it holds; blank lines carry no merge.
        var merges = File.ReadLines(mergesPath)
            .Skip(1)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0)
            .ToList();

        var endOfText = vocabulary.TryGetValue(EndOfText, out var id) ? new AddedToken(id, EndOfText, Special: true) : null;
        return new ByteLevelBpeDefinition(vocabulary, merges, endOfText is null ? [] : [endOfText], UnkToken: null, TemplateBosToken: null);
    }

    /// <summary>The id of a vocabulary or added token.</summary>
    public int? TokenToId(string token) =>
        AddedTokens.FirstOrDefault(added => added.Content == token)?.Id ?? (Vocabulary.TryGetValue(token, out var id) ? id : null);

    /// <summary>The same definition with more added tokens; one whose content is already added is ignored.</summary>
    public ByteLevelBpeDefinition WithAddedTokens(IEnumerable<AddedToken> tokens)
    {
        var added = AddedTokens.ToList();
        added.AddRange(tokens.Where(token => added.TrueForAll(existing => existing.Content != token.Content)));
        return this with { AddedTokens = added };
    }
}
