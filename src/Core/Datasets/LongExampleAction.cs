namespace TuningService.Core.Datasets;

/// <summary>What cleaning does with an example longer than the model's limit (see <see cref="ExampleTokenCounter"/>).</summary>
public enum LongExampleAction
{
    /// <summary>
    /// Cut the prompt's start until the example fits, as training would (its end sits next to the completion and
    /// carries what is being answered), at a word boundary; a chat record loses its oldest turns instead. A record
    /// whose completion alone does not fit, or whose format has no prompt to cut, is dropped: a cut answer would
    /// teach the model to stop mid-text.
    /// </summary>
    Truncate,

    /// <summary>Remove the record.</summary>
    Drop,

    /// <summary>Keep the record as it is (training will truncate it); it is still counted in the report.</summary>
    Keep,
}
