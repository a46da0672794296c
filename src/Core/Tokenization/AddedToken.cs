namespace TuningService.Core.Tokenization;

/// <summary>
/// A token the tokenizer matches whole in the input before its model sees the text (Hugging Face "added tokens":
/// GPT-2's &lt;|endoftext|&gt;, T5's &lt;extra_id_N&gt;). Special ones are left out when decoding skips special tokens.
/// </summary>
public sealed record AddedToken(int Id, string Content, bool Special);
