namespace TuningService.Core.Catalog;

/// <summary>Where a catalog model comes from, which decides who may delete it.</summary>
public enum ModelOrigin
{
    /// <summary>Shipped beside the application (`models/`): never deleted over the API.</summary>
    BuiltIn,

    /// <summary>A sub-folder of `Tuning:ModelsPath`, managed by the operator on disk: never deleted over the API.</summary>
    ModelsPath,

    /// <summary>Imported with `POST /v1/models/import` into the data directory: admins may delete it.</summary>
    Imported,

    /// <summary>Produced by a fine-tuning job: its owner may delete it.</summary>
    FineTuned,
}
