using TuningService.Core.Templates;

namespace TuningService.Api.Templates;

/// <summary>One record rendered and tokenized as training does.</summary>
/// <param name="Position">The record's line (JSONL), element (JSON) or row (CSV/TSV).</param>
/// <param name="Phrasing">Which of the template's phrasings the record got (0-based); null without a template.</param>
/// <param name="Prompt">The rendered prompt.</param>
/// <param name="Completion">The rendered completion.</param>
/// <param name="Tokens">What the model reads (an encoder-decoder model: its target), with the loss mask.</param>
/// <param name="EncoderTokens">An encoder-decoder model's input; null for decoder-only models.</param>
/// <param name="LossTokens">How many tokens the loss is taken on.</param>
/// <param name="Truncated">Whether the example was cut to fit the model's context.</param>
/// <param name="UnknownTokens">How many tokens are &lt;unk&gt;: text the tokenizer cannot represent.</param>
public sealed record PreviewExampleResponse(long Position, int? Phrasing, string Prompt, string Completion,
    IReadOnlyList<PreviewToken> Tokens, IReadOnlyList<PreviewToken>? EncoderTokens, int LossTokens, bool Truncated, int UnknownTokens);
