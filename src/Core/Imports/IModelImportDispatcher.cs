namespace TuningService.Core.Imports;

/// <summary>Hands a Hub import's id to whatever runs background work (Hangfire); it carries nothing but the id.</summary>
public interface IModelImportDispatcher
{
    void Dispatch(string importId);
}
