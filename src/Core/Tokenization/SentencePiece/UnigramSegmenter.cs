using Microsoft.ML.Tokenizers;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// Unigram (Viterbi) segmentation by Microsoft.ML.Tokenizers, which matches sentencepiece once it is given
/// sentencepiece-normalised text; its own normalisation is bypassed (see SentencePieceTextNormalizer).
/// </summary>
internal sealed class UnigramSegmenter : ISentencePieceSegmenter
{
    private const int BosIdField = 41;
    private const int EosIdField = 42;

    private readonly SentencePieceTokenizer _library;

    public UnigramSegmenter(byte[] modelBytes, SentencePieceTrainerSpec trainer)
    {
        // The library's unigram constructor indexes its piece table with bos_id and eos_id, so a model without
        // them (T5: bos -1) throws IndexOutOfRangeException. Point the missing ones at <unk>: the library writes
        // unk's entry after bos/eos, so unk's piece and type win, and segmentation never emits bos/eos anyway.
        var missing = new Dictionary<int, int>();
        if (trainer.BosId < 0)
        {
            missing[BosIdField] = trainer.UnkId;
        }

        if (trainer.EosId < 0)
        {
            missing[EosIdField] = trainer.UnkId;
        }

        var loadable = missing.Count == 0 ? modelBytes : TrainerSpecRewriter.WithInt32Fields(modelBytes, missing);
        using var stream = new MemoryStream(loadable, writable: false);
        _library = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
    }

    public void Segment(string normalized, List<int> ids)
    {
        if (normalized.Length == 0)
        {
            return;
        }

        ids.AddRange(_library.EncodeToIds(
            normalized,
            addBeginningOfSentence: false,
            addEndOfSentence: false,
            considerPreTokenization: false,
            considerNormalization: false));
    }
}
