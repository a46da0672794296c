using TuningService.Core.Tokenization;

namespace TuningService.Core.Training;

/// <summary>
/// Turns a (prompt, completion) pair into <c>[BOS?] prompt completion EOS</c> with the loss on completion and EOS only.
/// Sequences longer than <c>maxLength</c> lose prompt tokens from the start of the prompt first: the end of the
/// prompt sits next to the completion and carries the instruction being answered, while its start is usually
/// context. Only when completion + EOS alone do not fit is the completion cut at its end.
/// </summary>
public sealed class ExampleTokenizer : IExampleTokenizer
{
    private readonly ITextTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly int? _bosId;
    private readonly int _eosId;

    private readonly bool _trainOnInputs;

    /// <param name="trainOnInputs">Also take the loss on the prompt's tokens (the job's `train_on_inputs`); BOS never.</param>
    public ExampleTokenizer(ITextTokenizer tokenizer, int maxLength, bool trainOnInputs = false)
    {
        _trainOnInputs = trainOnInputs;
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _eosId = tokenizer.EosId
            ?? throw new ArgumentException("The tokenizer has no EOS token; a completion model needs one to learn to stop.", nameof(tokenizer));
        if (tokenizer.AddBos)
        {
            _bosId = tokenizer.BosId
                ?? throw new ArgumentException("The tokenizer asks for BOS but has no BOS token.", nameof(tokenizer));
        }
        int minimum = (_bosId is null ? 0 : 1) + 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, minimum);
        _maxLength = maxLength;
    }

    /// <summary>The id batches pad with: the tokenizer's PAD, else EOS (labels mask padding, so any id would do).</summary>
    public int PaddingId => _tokenizer.PadId ?? _eosId;

    public TokenizedExample Tokenize(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        IReadOnlyList<int> promptIds = _tokenizer.Encode(prompt);
        List<int> answerIds = [.. _tokenizer.Encode(completion), _eosId];

        int bosCount = _bosId is null ? 0 : 1;
        int room = _maxLength - bosCount;
        bool truncated = promptIds.Count + answerIds.Count > room;

        // Keep the end of the prompt; if the answer alone overflows, keep none of the prompt and cut the answer's
        // end, EOS included: the model must not learn to stop where the text was merely cut off.
        int answerKept = Math.Min(answerIds.Count, room);
        int promptKept = Math.Min(promptIds.Count, room - answerKept);

        var inputIds = new List<int>(bosCount + promptKept + answerKept);
        var labels = new List<int>(inputIds.Capacity);
        if (_bosId is int bos)
        {
            inputIds.Add(bos);
            labels.Add(CausalLmLoss.IgnoreIndex);
        }
        for (int i = promptIds.Count - promptKept; i < promptIds.Count; i++)
        {
            inputIds.Add(promptIds[i]);
            labels.Add(_trainOnInputs ? promptIds[i] : CausalLmLoss.IgnoreIndex);
        }
        for (int i = 0; i < answerKept; i++)
        {
            inputIds.Add(answerIds[i]);
            labels.Add(answerIds[i]);
        }
        return new TokenizedExample([.. inputIds], [.. labels], truncated);
    }

    /// <summary>
    /// A chat template's rendering, segment by segment (each encoded on its own: the segments meet at the template's
    /// markup, where the pre-tokenizers split anyway; <c>ChatFormatTrainingTests</c> checks that the ids equal the
    /// whole text's). Trained segments carry labels (every segment under train_on_inputs). Too long a sequence loses
    /// context from its start, up to the first trained token, and then its end.
    /// </summary>
    public TokenizedExample TokenizeSegments(IReadOnlyList<Files.TextSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var inputIds = new List<int>();
        var labels = new List<int>();
        foreach (var segment in segments)
        {
            var ids = _tokenizer.Encode(segment.Text);
            inputIds.AddRange(ids);
            foreach (var id in ids) labels.Add(segment.Trained || _trainOnInputs ? id : CausalLmLoss.IgnoreIndex);
        }
        if (inputIds.Count <= _maxLength) return new TokenizedExample([.. inputIds], [.. labels]);

        var firstTrained = labels.FindIndex(l => l != CausalLmLoss.IgnoreIndex);
        var drop = Math.Min(inputIds.Count - _maxLength, Math.Max(firstTrained, 0));
        var keep = Math.Min(_maxLength, inputIds.Count - drop);
        return new TokenizedExample([.. inputIds.GetRange(drop, keep)], [.. labels.GetRange(drop, keep)], WasTruncated: true);
    }

    public TokenizedDataset TokenizeAll(IEnumerable<(string Prompt, string Completion)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var examples = pairs.Select(p => Tokenize(p.Prompt, p.Completion)).ToList();
        return new TokenizedDataset(examples, examples.Count(e => e.WasTruncated));
    }
}
