using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Persistence;
using TuningService.Core.Tokenization;

namespace TuningService.Core.FineTuning;

/// <summary>The conversation format a job's chat and preference records are rendered in (see <see cref="ChatFormats"/>).</summary>
public static class JobChatFormat
{
    /// <returns>The format, or null for an encoder-decoder model, which reads the plain layout (a chat template frames one decoder sequence).</returns>
    /// <exception cref="TrainingDataException">The job's chat_template, or the model's own, cannot be used; the message says why.</exception>
    public static ChatFormat? For(FineTuningJob job, string modelDirectory, ITextTokenizer tokenizer, bool encoderDecoder)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (encoderDecoder)
            return job.ChatTemplate is null or BuiltInChatTemplates.Plain ? null
                : throw new TrainingDataException("chat_template applies to decoder-only models; an encoder-decoder model is trained on the plain chat layout.");
        try
        {
            return ChatFormats.For(modelDirectory, tokenizer, job.ChatTemplate);
        }
        catch (ChatTemplateException e)
        {
            throw new TrainingDataException(e.Message);
        }
    }
}
