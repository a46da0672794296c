using System.Security.Cryptography;
using System.Text;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Identifies a base-model evaluation that another job may reuse: the same model, data bytes, rendering (template,
/// framing of the tokens) and settings give the same figures. Hashed, so the key has a fixed length.
/// </summary>
public static class EvaluationCacheKey
{
    /// <param name="baseModel">The base model's id.</param>
    /// <param name="framing">What the tokens depend on besides the data: objective, context, train_on_inputs, template.</param>
    /// <param name="icl">For the ICL baseline: shots, seed and the training data's hashes; empty otherwise.</param>
    public static string For(string baseModel, string subject, string role, EvaluationDataset dataset, string framing,
        EvaluationSettings settings, string icl = "")
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(settings);
        var text = string.Join('\n', "v1", baseModel, subject, role, dataset.Sha256, dataset.Kind, dataset.DefaultTask, framing,
            settings.Fingerprint, icl);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
