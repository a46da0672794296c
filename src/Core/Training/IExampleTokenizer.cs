using TuningService.Core.Files;

namespace TuningService.Core.Training;

/// <summary>Turns (prompt, completion) pairs into training sequences for one kind of model.</summary>
public interface IExampleTokenizer
{
    /// <summary>The id batches pad inputs with.</summary>
    int PaddingId { get; }

    TokenizedExample Tokenize(string prompt, string completion);

    TokenizedDataset TokenizeAll(IEnumerable<(string Prompt, string Completion)> pairs);

    /// <summary>
    /// A sequence a chat template rendered, segment by segment: the trained segments carry labels, the others are
    /// masked; nothing is added (the template writes BOS and end-of-turn markers itself).
    /// </summary>
    TokenizedExample TokenizeSegments(IReadOnlyList<TextSegment> segments);

    /// <summary>An example as training reads it: its chat-template segments when it has them, else prompt and completion.</summary>
    TokenizedExample Tokenize(TrainingExample example) =>
        example.Segments is { } segments ? TokenizeSegments(segments) : Tokenize(example.Prompt, example.Completion);
}
