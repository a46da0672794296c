using System.Text.RegularExpressions;

namespace TuningService.Core.Tokenization;

/// <summary>
/// A tokenizer with whole tokens given ids after its own, the way transformers adds T5's &lt;extra_id_N&gt;
/// sentinels to the SentencePiece model: encoding first cuts the added tokens out of the text and encodes each
/// piece of text between them on its own; decoding writes them as their text. Written here because neither the
/// SentencePiece model nor Microsoft.ML.Tokenizers knows about tokens outside the model.
/// </summary>
public sealed class AddedTokenTextTokenizer : ITextTokenizer
{
    private readonly ITextTokenizer _inner;
    private readonly Dictionary<string, int> _idsByContent;
    private readonly Dictionary<int, AddedToken> _tokensById;
    private readonly Regex _addedTokenPattern;

    /// <summary>Each added id must lie past the inner tokenizer's ids; ids and contents must be unique.</summary>
    public AddedTokenTextTokenizer(ITextTokenizer inner, IEnumerable<AddedToken> addedTokens)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(addedTokens);
        var tokens = addedTokens.ToList();
        if (tokens.Count == 0 || tokens.Exists(token => token.Id < inner.VocabSize || token.Content.Length == 0))
        {
            throw new ArgumentException($"Added tokens must be non-empty, with ids from {inner.VocabSize} (the inner vocabulary's size) on.", nameof(addedTokens));
        }

        _inner = inner;
        _idsByContent = tokens.ToDictionary(token => token.Content, token => token.Id, StringComparer.Ordinal);
        _tokensById = tokens.ToDictionary(token => token.Id);

        // Longest first, so a token that is the start of another never cuts the longer one short.
        var alternatives = tokens.Select(token => token.Content).OrderByDescending(content => content.Length).Select(Regex.Escape);
        _addedTokenPattern = new Regex(string.Join("|", alternatives), RegexOptions.CultureInvariant);
        AddedTokens = tokens;
        VocabSize = Math.Max(inner.VocabSize, tokens.Max(token => token.Id) + 1);
    }

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    public int VocabSize { get; }

    public int? BosId => _inner.BosId;

    public int? EosId => _inner.EosId;

    public int? PadId => _inner.PadId;

    public int? UnkId => _inner.UnkId;

    public bool AddBos => _inner.AddBos;

    /// <summary>The id of an added token, or null.</summary>
    public int? AddedTokenId(string content) => _idsByContent.TryGetValue(content, out var id) ? id : null;

    /// <summary>An added token's id, else the inner tokenizer's.</summary>
    public int? TokenToId(string token) => AddedTokenId(token) ?? _inner.TokenToId(token);

    /// <summary>An added token's text, else the inner tokenizer's token.</summary>
    public string? IdToToken(int id) => _tokensById.TryGetValue(id, out var token) ? token.Content : _inner.IdToToken(id);

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        var start = 0;
        for (var match = _addedTokenPattern.Match(text); match.Success; match = match.NextMatch())
        {
            ids.AddRange(_inner.Encode(text[start..match.Index]));
            ids.Add(_idsByContent[match.Value]);
            start = match.Index + match.Length;
        }

        ids.AddRange(_inner.Encode(text[start..]));
        return ids;
    }

    /// <summary>
    /// As transformers decodes: runs of inner ids are decoded on their own and joined to the added tokens with a
    /// space ("The &lt;extra_id_0&gt; walks"); with <paramref name="skipSpecialTokens"/> special added tokens are
    /// dropped and the ids around them decode as one run ("The walks").
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var parts = new List<string>();
        var run = new List<int>();
        foreach (var id in ids)
        {
            if (!_tokensById.TryGetValue(id, out var token))
            {
                run.Add(id);
                continue;
            }

            if (skipSpecialTokens && token.Special)
            {
                continue;
            }

            AddDecodedRun(parts, run, skipSpecialTokens);
            parts.Add(token.Content);
        }

        AddDecodedRun(parts, run, skipSpecialTokens);
        return string.Join(" ", parts);
    }

    private void AddDecodedRun(List<string> parts, List<int> run, bool skipSpecialTokens)
    {
        if (run.Count > 0 && _inner.Decode(run, skipSpecialTokens) is { Length: > 0 } text)
        {
            parts.Add(text);
        }

        run.Clear();
    }
}
