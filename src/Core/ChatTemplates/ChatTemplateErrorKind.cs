namespace TuningService.Core.ChatTemplates;

/// <summary>Why a chat template failed; every kind is the caller's input, so an API answers each with a 400.</summary>
public enum ChatTemplateErrorKind
{
    /// <summary>The template does not parse, or uses a Jinja feature this interpreter does not support.</summary>
    Syntax,

    /// <summary>Rendering failed the way Jinja would fail (an undefined value used, a type error, ...).</summary>
    Runtime,

    /// <summary>The template called <c>raise_exception(message)</c>; the exception's message is that message, verbatim.</summary>
    Raised,

    /// <summary>Rendering exceeded a <see cref="ChatTemplateLimits"/> limit (iterations, output size, depth or time).</summary>
    LimitExceeded,
}
