namespace TuningService.Core.Datasets;

/// <summary>The Unicode normalisation form cleaning applies to every text field.</summary>
public enum UnicodeNormalization
{
    /// <summary>
    /// Canonical composition (the default): "e" + combining acute becomes "é", so the same text typed two ways
    /// tokenizes the same way. It never changes what a character means.
    /// </summary>
    Nfc,

    /// <summary>
    /// Compatibility composition: also folds look-alikes ("ﬁ" to "fi", full-width "Ａ" to "A", "x²" to "x2",
    /// "①" to "1"). Not the default because those folds change meaning and destroy distinctions a task may be
    /// about (superscripts in maths, full-width text in CJK data); ask for it when the data is known to be noisy.
    /// </summary>
    Nfkc,

    /// <summary>Leave the characters as they are.</summary>
    None,
}
