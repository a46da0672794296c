namespace TuningService.Core.MultiTask;

/// <summary>How tasks share the training stream (T5, Raffel et al. 2020, section 3.5.2). See <see cref="TaskMixture"/>.</summary>
public enum MixingStrategy
{
    /// <summary>Examples-proportional mixing: each task in proportion to its (capped) size.</summary>
    Proportional,

    /// <summary>Temperature-scaled mixing: proportional rates raised to 1/T and renormalised, flattening towards equal shares.</summary>
    Temperature,
}
