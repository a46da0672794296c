namespace TuningService.Core.Models.Checkpointing;

/// <summary>A model whose blocks can run checkpointed (<see cref="BlockCheckpointing"/>): the trainer turns it on for a
/// training run.</summary>
public interface IBlockCheckpointedModel
{
    /// <summary>The model's checkpointing switch and block hook, shared by all its blocks.</summary>
    BlockCheckpointing Checkpointing { get; }
}
