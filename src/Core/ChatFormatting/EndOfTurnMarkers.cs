namespace TuningService.Core.ChatFormatting;

/// <summary>
/// Tokens that end a turn in the chat formats of today's open models. A tokenizer that has one of these as a token
/// uses it to end turns even when its config names another EOS (Llama 3 base: EOS &lt;|end_of_text|&gt;, turns end with
/// &lt;|eot_id|&gt;; Phi-3: EOS &lt;|endoftext|&gt;, turns end with &lt;|end|&gt;). llama.cpp keeps a list of the same kind
/// (its "end of generation" tokens) for the same reason: generation_config.json does not always list them.
/// </summary>
public static class EndOfTurnMarkers
{
    public static IReadOnlyList<string> Known { get; } =
    [
        "<|eot_id|>", "<|im_end|>", "<end_of_turn>", "<|end|>", "<|END_OF_TURN_TOKEN|>", "<|endoftext|>", "<|end_of_text|>",
        "</s>", "<eos>", "<｜end▁of▁sentence｜>", "<|eom_id|>",
    ];
}
