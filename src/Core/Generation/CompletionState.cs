namespace TuningService.Core.Generation;

/// <summary>
/// One prompt's completion while it is generated: its tokens and text, stop tokens and stop sequences, and how much
/// text has been streamed. Text is streamed only once it cannot change: not while it ends in an incomplete UTF-8
/// character or in what may be the start of a stop sequence (OpenAI never streams part of a stop sequence).
/// </summary>
internal sealed class CompletionState
{
    private readonly IReadOnlyList<int> prompt;
    private readonly CompletionText? text;
    private readonly IReadOnlySet<int> stopTokenIds;
    private readonly IReadOnlyList<string> stopSequences;
    private readonly List<int> tokens = [];
    private readonly List<TokenLogprob>? logprobs;
    private string decoded = "";
    private int streamed;
    private int produced;
    private string? finishReason;

    /// <param name="text">Null: ids only (no text, no stop sequences, empty token strings).</param>
    public CompletionState(int promptIndex, IReadOnlyList<int> prompt, CompletionText? text, IReadOnlySet<int> stopTokenIds,
        IReadOnlyList<string> stopSequences, bool withLogprobs)
    {
        PromptIndex = promptIndex;
        this.prompt = prompt;
        this.text = text;
        this.stopTokenIds = stopTokenIds;
        this.stopSequences = stopSequences;
        logprobs = withLogprobs ? [] : null;
    }

    public int PromptIndex { get; }

    public bool Finished => finishReason is not null;

    /// <param name="row">This completion's row in <paramref name="step"/>.</param>
    /// <param name="budgetSpent">This is the last token the budget allows.</param>
    public GeneratedToken Add(int tokenId, StepLogprobs? step, int row, bool budgetSpent)
    {
        produced++;
        if (stopTokenIds.Contains(tokenId))
            return Finish(tokenId, null, FinishReasons.Stop);

        var logprob = step is null ? null : Logprob(tokenId, step, row);
        tokens.Add(tokenId);
        if (logprob is not null)
            logprobs!.Add(logprob);
        if (text is not null)
        {
            decoded = text.Decode(tokens);
            if (FirstStopSequence() is { } at)
            {
                decoded = decoded[..at];
                return Finish(tokenId, logprob, FinishReasons.Stop);
            }
        }
        if (budgetSpent)
            return Finish(tokenId, logprob, FinishReasons.Length);

        var safe = Math.Max(streamed, StreamableLength());
        var delta = decoded[streamed..safe];
        streamed = safe;
        return new GeneratedToken(tokenId, delta, logprob, null);
    }

    public GenerationOutput ToOutput() =>
        new(tokens, decoded, finishReason ?? FinishReasons.Length, logprobs, prompt.Count, produced);

    private GeneratedToken Finish(int tokenId, TokenLogprob? logprob, string reason)
    {
        finishReason = reason;
        var delta = streamed < decoded.Length ? decoded[streamed..] : "";
        streamed = decoded.Length;
        return new GeneratedToken(tokenId, delta, logprob, reason);
    }

    private TokenLogprob Logprob(int tokenId, StepLogprobs step, int row)
    {
        var top = step.Top(row).ToArray();
        var strings = text?.TokenStrings(tokens, top.Select(t => t.TokenId).Prepend(tokenId)) 
            ?? Enumerable.Repeat("", top.Length + 1).ToArray();
        var alternatives = top.Select((t, i) => new TopLogprob(t.TokenId, strings[i + 1], t.Logprob)).ToArray();
        return new TokenLogprob(tokenId, strings[0], step.Chosen(row), alternatives);
    }

    /// <summary>Where the earliest stop sequence starts in the text, or null.</summary>
    private int? FirstStopSequence()
    {
        int? first = null;
        foreach (var stop in stopSequences)
        {
            var at = decoded.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first))
                first = at;
        }
        return first;
    }

    /// <summary>How much of the text can no longer change or turn out to be part of a stop sequence.</summary>
    private int StreamableLength()
    {
        var end = decoded.Length;
        // U+FFFD stands for bytes whose character is not complete yet; a lone high surrogate for half a character.
        while (end > streamed && (decoded[end - 1] == '\uFFFD' || char.IsHighSurrogate(decoded[end - 1])))
            end--;
        var held = 0;
        foreach (var stop in stopSequences)
        {
            for (var k = Math.Min(stop.Length - 1, end - streamed); k > held; k--)
            {
                if (decoded.AsSpan(end - k, k).SequenceEqual(stop.AsSpan(0, k)))
                {
                    held = k;
                    break;
                }
            }
        }
        return end - held;
    }
}
