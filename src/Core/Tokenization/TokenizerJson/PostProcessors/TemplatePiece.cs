namespace TuningService.Core.Tokenization.TokenizerJson.PostProcessors;

/// <summary>One item of a TemplateProcessing template: a special token's ids, or sequence A (0) or B (1).</summary>
internal sealed record TemplatePiece(IReadOnlyList<int>? SpecialIds, int Sequence);
