namespace TuningService.Core.Templates;

/// <summary>The kinds of task the template library covers (the wire names GET /v1/templates shows).</summary>
public static class TemplateTasks
{
    public const string Classification = "classification";
    public const string Sentiment = "sentiment";
    public const string ExtractiveQuestionAnswering = "extractive_qa";
    public const string OpenQuestionAnswering = "open_qa";
    public const string Summarization = "summarization";
    public const string Translation = "translation";

    /// <summary>A template the job's owner wrote (not from the library).</summary>
    public const string Custom = "custom";
}
