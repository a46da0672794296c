namespace TuningService.Core.MultiTask;

/// <summary>
/// A job request's <c>mixing</c> object as parsed, before validation (nulls where absent). Cap is a double so that
/// a fractional value can be refused with a message instead of being truncated by the parser.
/// </summary>
public sealed record MixingRequestValues(string? Strategy = null, double? Cap = null, double? Temperature = null);
