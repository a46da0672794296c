namespace TuningService.Core.Tokenization;

/// <summary>One kind of tokenizer file a model folder can hold (SentencePiece .model, tokenizer.json, GPT-2 vocab + merges).</summary>
internal interface ITokenizerFormat
{
    /// <summary>The files this format looks for, for the error message when no format matches.</summary>
    IReadOnlyList<string> FileNames { get; }

    /// <summary>The folder's tokenizer, or null when the folder has none of <see cref="FileNames"/>.</summary>
    ITextTokenizer? TryLoad(string dir, HuggingFaceTokenizerConfig config);
}
