namespace TuningService.Api.Models;

/// <summary>The JSON body of a Hub import: `{"source": "hf", "repo": "google/flan-t5-small", "revision": "main"}`.</summary>
public sealed record ImportModelRequest(string? Source, string? Repo, string? Revision, string? Name);
