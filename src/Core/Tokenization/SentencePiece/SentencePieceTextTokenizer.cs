using Google.Protobuf;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// A SentencePiece <c>.model</c> (Llama's tokenizer.model, T5's spiece.model) that encodes and decodes exactly as
/// Python sentencepiece 0.1.97 does with <c>encode(text)</c> / <c>decode(ids)</c>. Built on
/// Microsoft.ML.Tokenizers' unigram segmentation; normalisation, BPE, unknown-run merging and decoding are done
/// here because the library gets them wrong (each class says how).
/// </summary>
public sealed class SentencePieceTextTokenizer : ITextTokenizer
{
    private readonly SentencePieceModel _model;
    private readonly SentencePieceTextNormalizer _normalizer;
    private readonly ISentencePieceSegmenter _segmenter;
    private readonly SentencePieceDecoder _decoder;
    private readonly Dictionary<string, int> _idsByPiece;
    private readonly SpecialTokenIds _specialTokens;

    private SentencePieceTextTokenizer(
        SentencePieceModel model,
        SentencePieceTextNormalizer normalizer,
        ISentencePieceSegmenter segmenter,
        SentencePieceDecoder decoder,
        Dictionary<string, int> idsByPiece,
        SpecialTokenIds specialTokens)
    {
        _model = model;
        _normalizer = normalizer;
        _segmenter = segmenter;
        _decoder = decoder;
        _idsByPiece = idsByPiece;
        _specialTokens = specialTokens;
    }

    public int VocabSize => _model.Pieces.Count;

    public int? BosId => _specialTokens.BosId;

    public int? EosId => _specialTokens.EosId;

    public int? PadId => _specialTokens.PadId;

    public int? UnkId => _model.Trainer.UnkId;

    public bool AddBos => _specialTokens.AddBos;

    public static SentencePieceTextTokenizer FromFile(string modelPath)
    {
        try
        {
            return FromBytes(File.ReadAllBytes(modelPath));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException or NotSupportedException)
        {
            throw new InvalidDataException($"'{modelPath}' is not a usable SentencePiece model: {e.Message}", e);
        }
    }

    /// <summary>
    /// Special ids come from the model's trainer_spec (-1 there means absent); AddBos is true when the model has
    /// a BOS piece. Use <see cref="WithSpecialTokens"/> to apply a model folder's configs.
    /// </summary>
    public static SentencePieceTextTokenizer FromBytes(byte[] modelBytes)
    {
        var model = SentencePieceModelReader.Read(modelBytes);
        EnsureSupported(model);

        ISentencePieceSegmenter segmenter = model.Trainer.ModelType == SentencePieceModelType.Bpe
            ? new BpeSegmenter(model)
            : new UnigramSegmenter(modelBytes, model.Trainer);

        var idsByPiece = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < model.Pieces.Count; id++)
        {
            idsByPiece.TryAdd(model.Pieces[id].Text, id);
        }

        var trainer = model.Trainer;
        var bosId = Existing(trainer.BosId, model);
        var specialTokens = new SpecialTokenIds(bosId, Existing(trainer.EosId, model), Existing(trainer.PadId, model), AddBos: bosId is not null);

        return new SentencePieceTextTokenizer(
            model, new SentencePieceTextNormalizer(model.Normalizer), segmenter, new SentencePieceDecoder(model), idsByPiece, specialTokens);
    }

    /// <summary>The same model with other special ids (e.g. from tokenizer_config.json).</summary>
    public SentencePieceTextTokenizer WithSpecialTokens(SpecialTokenIds specialTokens)
    {
        foreach (var id in new[] { specialTokens.BosId, specialTokens.EosId, specialTokens.PadId })
        {
            if (id is { } value && (uint)value >= (uint)VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(specialTokens), value, $"Special token id outside the model's {VocabSize} pieces.");
            }
        }

        if (specialTokens.AddBos && specialTokens.BosId is null)
        {
            throw new ArgumentException("AddBos requires a BOS id.", nameof(specialTokens));
        }

        return new SentencePieceTextTokenizer(_model, _normalizer, _segmenter, _decoder, _idsByPiece, specialTokens);
    }

    /// <summary>The id of a piece ("&lt;s&gt;", "▁the"), or null when the model has no such piece.</summary>
    public int? PieceToId(string piece) => _idsByPiece.TryGetValue(piece, out var id) ? id : null;

    public string IdToPiece(int id) => _model.Pieces[id].Text;

    /// <summary>The id of a piece; the same as <see cref="PieceToId"/>.</summary>
    public int? TokenToId(string token) => PieceToId(token);

    /// <summary>The piece of an id ("▁the", "&lt;0x0A&gt;"), or null outside the model.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)VocabSize ? IdToPiece(id) : null;

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length + 1);
        _segmenter.Segment(_normalizer.Normalize(text), ids);
        MergeUnknownRuns(ids, _model.Trainer.UnkId);
        return ids;
    }

    /// <summary>
    /// Decodes as sentencepiece does; <c>&lt;unk&gt;</c> always becomes the model's unk_surface (" ⁇ ").
    /// <paramref name="skipSpecialTokens"/> leaves out control pieces and the BOS/EOS/PAD ids; when false,
    /// control pieces are written as their text ("&lt;s&gt;").
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return skipSpecialTokens
            ? _decoder.Decode(ids, id => _model.Pieces[id].Type == PieceType.Control || id == BosId || id == EosId || id == PadId)
            : _decoder.Decode(ids, _ => false);
    }

    /// <summary>
    /// sentencepiece turns a run of unknown characters into one <c>&lt;unk&gt;</c> (SentencePieceProcessor
    /// merges adjacent unknown pieces); both the library's unigram and the BPE here emit one per character.
    /// </summary>
    private static void MergeUnknownRuns(List<int> ids, int unkId)
    {
        var kept = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] != unkId || kept == 0 || ids[kept - 1] != unkId)
            {
                ids[kept++] = ids[i];
            }
        }

        ids.RemoveRange(kept, ids.Count - kept);
    }

    private static int? Existing(int id, SentencePieceModel model) => id >= 0 && id < model.Pieces.Count ? id : null;

    private static void EnsureSupported(SentencePieceModel model)
    {
        var trainer = model.Trainer;
        if (trainer.ModelType is not (SentencePieceModelType.Bpe or SentencePieceModelType.Unigram))
        {
            throw new NotSupportedException($"SentencePiece model type {trainer.ModelType} is not supported (only BPE and unigram).");
        }

        if (trainer.TreatWhitespaceAsSuffix)
        {
            throw new NotSupportedException("SentencePiece models with treat_whitespace_as_suffix are not supported.");
        }

        if (model.HasDenormalizer)
        {
            throw new NotSupportedException("SentencePiece models with a denormalizer_spec are not supported.");
        }

        if (model.Pieces.Any(piece => piece.Type == PieceType.UserDefined))
        {
            throw new NotSupportedException("SentencePiece models with user-defined symbols are not supported.");
        }

        if ((uint)trainer.UnkId >= (uint)model.Pieces.Count)
        {
            throw new InvalidDataException($"unk_id {trainer.UnkId} is outside the model's {model.Pieces.Count} pieces.");
        }
    }
}
