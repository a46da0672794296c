namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// A piece of normalized text on its way to the model. <see cref="Offset"/> is where it starts in the text being
/// encoded (0: at the very start, which Metaspace's prepend_scheme "first" asks about). Splitting slices the
/// memory without copying; only steps that change text (a prepended space, Metaspace's ▁) allocate.
/// </summary>
internal readonly record struct PreToken(ReadOnlyMemory<char> Text, int Offset);
