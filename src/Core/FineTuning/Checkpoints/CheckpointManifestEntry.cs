namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>One file of a checkpoint: its path relative to the checkpoint folder (always with '/', so a manifest
/// written on one system reads the same on another), its size in bytes and its SHA-256 as lowercase hex.</summary>
public sealed record CheckpointManifestEntry(string Path, long Bytes, string Sha256);
