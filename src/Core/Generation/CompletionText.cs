using TuningService.Core.Tokenization;

namespace TuningService.Core.Generation;

/// <summary>
/// Decodes a completion the way it reads after its prompt. Decoding depends on left context: SentencePiece drops
/// the leading space of a sequence's first piece, and byte pieces only form characters in runs. So the completion
/// is decoded after the prompt's last tokens and their own text is cut off again, as vLLM and TGI detokenize.
/// </summary>
internal sealed class CompletionText
{
    // Enough left context for any tokenizer here (one non-empty piece suffices); bounded so that decoding each
    // step costs O(completion), not O(prompt + completion).
    private const int PromptContextTokens = 16;
    private const int TokenContextTokens = 4;

    private readonly ITextTokenizer tokenizer;
    private readonly int[] promptContext;
    private readonly string promptContextText;

    public CompletionText(ITextTokenizer tokenizer, IReadOnlyList<int> prompt)
    {
        this.tokenizer = tokenizer;
        promptContext = prompt.Skip(Math.Max(0, prompt.Count - PromptContextTokens)).ToArray();
        promptContextText = tokenizer.Decode(promptContext);
    }

    /// <summary>The completion's text (special tokens left out).</summary>
    public string Decode(IReadOnlyList<int> completion)
    {
        var full = tokenizer.Decode(promptContext.Concat(completion));
        // A byte run that spans the prompt's end changes the prompt's own text; then decode the completion alone.
        return full.StartsWith(promptContextText, StringComparison.Ordinal)
            ? full[promptContextText.Length..]
            : tokenizer.Decode(completion);
    }

    /// <summary>
    /// What each candidate token would add after the text so far, special tokens written out ("&lt;/s&gt;"), for
    /// logprobs. A token that completes no character (a lone UTF-8 byte) reads as "".
    /// </summary>
    public string[] TokenStrings(IReadOnlyList<int> completion, IEnumerable<int> candidates)
    {
        var context = promptContext.Concat(completion).TakeLast(TokenContextTokens).ToArray();
        var contextText = tokenizer.Decode(context, skipSpecialTokens: false);
        return candidates.Select(id =>
        {
            var text = tokenizer.Decode([.. context, id], skipSpecialTokens: false);
            return text.StartsWith(contextText, StringComparison.Ordinal)
                ? text[contextText.Length..]
                : tokenizer.Decode([id], skipSpecialTokens: false);
        }).ToArray();
    }
}
