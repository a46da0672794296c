namespace TuningService.Core.Generation;

/// <summary>Why a completion ended, spelled as OpenAI's `finish_reason`.</summary>
public static class FinishReasons
{
    /// <summary>A stop token or stop sequence was produced.</summary>
    public const string Stop = "stop";

    /// <summary>The token budget (MaxNewTokens) ran out.</summary>
    public const string Length = "length";
}
