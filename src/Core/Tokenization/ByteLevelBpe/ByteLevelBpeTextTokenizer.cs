using Microsoft.ML.Tokenizers;

namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>
/// GPT-2-style byte-level BPE (vocab.json + merges.txt, or a BPE tokenizer.json) encoding and decoding as GPT-2's
/// tokenizer does. Microsoft.ML.Tokenizers' BpeTokenizer does the work once it is told the input is byte-level and
/// given GPT-2's pre-tokenizer; this class adds the checks the library skips (a byte-level vocabulary, ids in range)
/// and the special-token rules of <see cref="ITextTokenizer"/>.
/// </summary>
public sealed class ByteLevelBpeTextTokenizer : ITextTokenizer
{
    private readonly ByteLevelBpeDefinition _definition;
    private readonly BpeTokenizer _library;
    private readonly HashSet<int> _knownIds;
    private readonly HashSet<int> _specialAddedIds;
    private readonly SpecialTokenIds _specialTokens;
    private readonly Lazy<Dictionary<int, string>> _tokensById;

    private ByteLevelBpeTextTokenizer(ByteLevelBpeDefinition definition, BpeTokenizer library, SpecialTokenIds specialTokens)
    {
        _definition = definition;
        _library = library;
        _knownIds = [.. definition.Vocabulary.Values, .. definition.AddedTokens.Select(token => token.Id)];
        _specialAddedIds = [.. definition.AddedTokens.Where(token => token.Special).Select(token => token.Id)];
        _specialTokens = specialTokens;
        VocabSize = _knownIds.Max() + 1;
        UnkId = definition.TokenToId(definition.UnkToken ?? ByteLevelBpeDefinition.EndOfText);
        _tokensById = new Lazy<Dictionary<int, string>>(() =>
        {
            var tokens = new Dictionary<int, string>();
            foreach (var (token, id) in definition.Vocabulary)
            {
                tokens.TryAdd(id, token);
            }

            foreach (var added in definition.AddedTokens)
            {
                tokens[added.Id] = added.Content;
            }

            return tokens;
        });
    }

    /// <summary>One more than the highest id, as len(tokenizer) counts in transformers.</summary>
    public int VocabSize { get; }

    public int? BosId => _specialTokens.BosId;

    public int? EosId => _specialTokens.EosId;

    public int? PadId => _specialTokens.PadId;

    /// <summary>The model's unknown token (else &lt;|endoftext|&gt;, GPT-2's); byte-level BPE never needs it to encode.</summary>
    public int? UnkId { get; }

    public bool AddBos => _specialTokens.AddBos;

    public IReadOnlyList<AddedToken> AddedTokens => _definition.AddedTokens;

    /// <summary>
    /// A GPT-2 vocab.json + merges.txt. With GPT2Tokenizer's defaults: &lt;|endoftext|&gt; (when present) is
    /// BOS, EOS and the unknown token, and no BOS is added. Apply a model folder's configs with
    /// <see cref="WithSpecialTokens"/>, or load the folder with <see cref="TokenizerLoader"/>.
    /// </summary>
    public static ByteLevelBpeTextTokenizer FromVocabAndMerges(string vocabPath, string mergesPath) =>
        Create(ByteLevelBpeDefinition.FromVocabAndMerges(vocabPath, mergesPath), vocabPath);

    /// <summary>
    /// A Hugging Face tokenizer.json holding a byte-level BPE model. Special ids as for GPT-2 files, except that a
    /// TemplateProcessing post-processor starting with a special token makes that token BOS, added to sequences.
    /// Throws NotSupportedException naming what is not supported (another model kind, another pre-tokenizer, ...).
    /// TokenizerLoader reads tokenizer.json with <see cref="TokenizerJson.TokenizerJsonTextTokenizer"/>, which runs any
    /// supported pipeline; this GPT-2-only reader stays for callers that hold a GPT-2 file.
    /// </summary>
    public static ByteLevelBpeTextTokenizer FromTokenizerJson(string path) => Create(TokenizerJsonReader.Read(path), path);

    internal static ByteLevelBpeTextTokenizer Create(ByteLevelBpeDefinition definition, string source)
    {
        var missing = ByteLevelAlphabet.Symbols.Count(symbol => !definition.Vocabulary.ContainsKey(symbol));
        if (missing > 0)
        {
            throw new NotSupportedException(
                $"'{source}' is not a byte-level BPE vocabulary (GPT-2 style): {missing} of the 256 byte symbols are missing from it.");
        }

        var addedTokens = definition.AddedTokens.ToDictionary(token => token.Content, token => token.Id, StringComparer.Ordinal);
        var library = BpeTokenizer.Create(new BpeOptions(definition.Vocabulary)
        {
            Merges = definition.Merges,
            ByteLevel = true,
            PreTokenizer = Gpt2PreTokenizer.Create(addedTokens),
            SpecialTokens = addedTokens,
        });

        // GPT2Tokenizer's defaults: <|endoftext|> is BOS and EOS, and no BOS is added. A tokenizer.json whose
        // post-processor template starts with a special token adds that token as BOS.
        var endOfText = definition.TokenToId(ByteLevelBpeDefinition.EndOfText);
        var specialTokens = definition.TemplateBosToken is { } template
            ? new SpecialTokenIds(definition.TokenToId(template), endOfText, PadId: null, AddBos: true)
            : new SpecialTokenIds(endOfText, endOfText, PadId: null, AddBos: false);
        return new ByteLevelBpeTextTokenizer(definition, library, specialTokens);
    }

    /// <summary>The same tokenizer with other special ids (e.g. from tokenizer_config.json).</summary>
    public ByteLevelBpeTextTokenizer WithSpecialTokens(SpecialTokenIds specialTokens)
    {
        foreach (var id in new[] { specialTokens.BosId, specialTokens.EosId, specialTokens.PadId })
        {
            if (id is { } value && !_knownIds.Contains(value))
            {
                throw new ArgumentOutOfRangeException(nameof(specialTokens), value, $"Special token id is not one of the tokenizer's {VocabSize} ids.");
            }
        }

        if (specialTokens.AddBos && specialTokens.BosId is null)
        {
            throw new ArgumentException("AddBos requires a BOS id.", nameof(specialTokens));
        }

        return new ByteLevelBpeTextTokenizer(_definition, _library, specialTokens);
    }

    /// <summary>The id of a token in its byte-level spelling ("Ġthe") or of an added token, or null.</summary>
    public int? TokenToId(string token) => _definition.TokenToId(token);

    /// <summary>The token of an id in its byte-level spelling ("Ġthe"), an added token as written, or null.</summary>
    public string? IdToToken(int id) => _tokensById.Value.TryGetValue(id, out var token) ? token : null;

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _library.EncodeToIds(text);
    }

    /// <summary>
    /// The bytes of the tokens as UTF-8, an invalid sequence becoming U+FFFD (Python's errors="replace").
    /// <paramref name="skipSpecialTokens"/> leaves out special added tokens and the BOS/EOS/PAD ids; when false
    /// they are written as their text. Throws ArgumentOutOfRangeException for an id the tokenizer does not have
    /// (the library would silently drop it).
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var kept = new List<int>();
        foreach (var id in ids)
        {
            if (!_knownIds.Contains(id))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id is not one of the tokenizer's {VocabSize} ids.");
            }

            if (!skipSpecialTokens || !IsSpecial(id))
            {
                kept.Add(id);
            }
        }

        return _library.Decode(kept, considerSpecialTokens: true);
    }

    private bool IsSpecial(int id) => _specialAddedIds.Contains(id) || id == BosId || id == EosId || id == PadId;
}
