namespace TuningService.Core.Files;

/// <summary>What <see cref="JsonStringScan"/> can tell about a JSON string value without materialising it.</summary>
internal enum JsonStringContent
{
    /// <summary>It reads as a string that is empty or only white space (<c>string.IsNullOrWhiteSpace</c>).</summary>
    Blank,

    /// <summary>It reads as a string with at least one character that is not white space.</summary>
    NotBlank,

    /// <summary>Its escapes hold a lone surrogate, so reading it as a .NET string would throw.</summary>
    Unreadable,
}
