namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>Metaspace's prepend_scheme: when the replacement character is put before a piece.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}
