using TorchSharp;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// An autograd identity placed at a block's input whose backward calls <see cref="IBlockBackwardHooks.BlockBackward"/>
/// with the block: by then the block's parameter gradients are final (see <see cref="IBlockBackwardHooks"/>). The test
/// models' stand-in for the hook the real models call after each block's backward.
/// </summary>
internal sealed class BlockBackwardSignal : torch.autograd.SingleTensorFunction<BlockBackwardSignal>
{
    public override string Name => nameof(BlockBackwardSignal);

    /// <summary><paramref name="input"/> unchanged, with the signal in its graph.</summary>
    public static Tensor At(Tensor input, nn.Module block, IBlockBackwardHooks hooks) => apply(input, block, hooks);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        // One instance serves every call, so the block and the hooks travel in the context.
        ctx.save_data("block", vars[1]);
        ctx.save_data("hooks", vars[2]);
        return ((Tensor)vars[0]).clone();
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        var hooks = (IBlockBackwardHooks)ctx.get_data("hooks");
        hooks.BlockBackward?.Invoke((nn.Module)ctx.get_data("block"));
        return [grad_output, null!, null!];
    }
}
