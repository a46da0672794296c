namespace TuningService.Api.Templates;

/// <summary>The first records of a file as a job would train on them.</summary>
/// <param name="FileId">The previewed file.</param>
/// <param name="Model">The model whose tokenizer and context were used.</param>
/// <param name="Template">The template's name, "custom", or null for the default rendering.</param>
/// <param name="Seed">The seed that picked each record's phrasing.</param>
/// <param name="TrainOnInputs">Whether the loss is also taken on prompt tokens.</param>
/// <param name="MaxSeqLength">The length examples are truncated to (the model's context, or max_seq_length).</param>
/// <param name="Data">The records, in file order.</param>
/// <param name="Warnings">What would hurt training, e.g. text the tokenizer cannot read.</param>
public sealed record FilePreviewResponse(string FileId, string Model, string? Template, int Seed, bool TrainOnInputs, int MaxSeqLength,
    IReadOnlyList<PreviewExampleResponse> Data, IReadOnlyList<string> Warnings)
{
    public string Object => "file.preview";
}
