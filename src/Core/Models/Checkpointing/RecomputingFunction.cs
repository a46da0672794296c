using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace TuningService.Core.Models.Checkpointing;

/// <summary>
/// The custom autograd function behind <see cref="RecomputedInBackward"/>. vars: a <see cref="RecomputeRecipe"/>, then
/// the input tensors. TorchSharp keeps one instance per function type, so all per-call state lives in the context.
/// </summary>
internal sealed class RecomputingFunction : SingleTensorFunction<RecomputingFunction>
{
    private const string RecipeKey = "recipe";
    private const string RandomnessKey = "randomness";

    public override string Name => nameof(RecomputingFunction);

    /// <summary>Runs the body without a graph (autograd calls forward with grad mode off), keeping only the inputs.</summary>
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var recipe = (RecomputeRecipe)vars[0];
        Tensor[] inputs = vars.Skip(1).Cast<Tensor>().ToArray();
        ctx.save_for_backward([.. inputs]);
        ctx.save_data(RecipeKey, recipe);
        if (recipe.ReplayRandomness)
            ctx.save_data(RandomnessKey, RandomnessSnapshot.Take(inputs[0].device));
        // Its own scope, so that the body's intermediate tensors are freed now, not at the end of the step.
        using var scope = NewDisposeScope();
        return recipe.Body(inputs).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the body again with a graph from detached copies of the inputs, back-propagates
    /// <paramref name="gradOutput"/> through it and returns the inputs' gradients.</summary>
    public override List<Tensor> backward(AutogradContext ctx, Tensor gradOutput)
    {
        var recipe = (RecomputeRecipe)ctx.get_data(RecipeKey);
        var randomness = (RandomnessSnapshot?)ctx.get_data(RandomnessKey);
        using var scope = NewDisposeScope();
        Tensor[] inputs = ctx.get_saved_variables()
            .Select(saved => saved.requires_grad ? saved.detach().requires_grad_(true) : saved.detach())
            .ToArray();
        Tensor output;
        using (enable_grad())
        {
            Tensor? previousRandomness = randomness?.Replay();
            try
            {
                output = recipe.Body(inputs);
            }
            finally
            {
                if (previousRandomness is not null)
                    RandomnessSnapshot.PutBack(previousRandomness);
                // Back-propagated once (RecomputedInBackward.Apply), so the state is not needed again.
                randomness?.Dispose();
            }
        }
        output.backward([gradOutput]);
        // TorchSharp made this handle in the caller's scope (the training batch's), which would keep every block's
        // output gradient until the batch ends; autograd holds its own reference for as long as it needs one.
        gradOutput.Dispose();
        recipe.AfterBackward?.Invoke();
        // The handles returned last time: autograd copied them when that backward returned (see below).
        ReleaseReturnedGradients();
        // One entry per var: none for the recipe, then each input's gradient (null where it needs none).
        var gradients = new List<Tensor> { null! };
        foreach (Tensor input in inputs)
        {
            if (input.requires_grad && input.grad is { } grad)
            {
                // Autograd takes its own reference as this method returns, but TorchSharp does not dispose the handle;
                // in a dispose scope it would keep each block's input gradient to the end of the batch (22 × 8 MiB on
                // the 1.1B shape). It is released by the next recomputation's backward, or the step's collection.
                gradients.Add(grad.DetachFromDisposeScope());
                (returnedGradients ??= []).Add(grad);
            }
            else
            {
                gradients.Add(null!);
            }
        }
        return gradients;
    }

    /// <summary>Input gradients handed to autograd by backward calls that have returned on this thread. Per thread: a
    /// handle may only be released once its call has returned (autograd copies it then), which on one thread every
    /// earlier call has; another thread's may still be returning.</summary>
    [ThreadStatic]
    private static List<Tensor>? returnedGradients;

    private static void ReleaseReturnedGradients()
    {
        if (returnedGradients is null)
            return;
        foreach (Tensor returned in returnedGradients)
            returned.Dispose();
        returnedGradients.Clear();
    }
}
