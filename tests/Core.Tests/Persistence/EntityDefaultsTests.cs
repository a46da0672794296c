using TuningService.Core.FineTuning;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;

namespace TuningService.Core.Tests.Persistence;

/// <summary>The entities default their status to a literal (Persistence imports no application folder): it must be the owner's.</summary>
public sealed class EntityDefaultsTests
{
    [Fact]
    public void A_new_job_is_queued()
    {
        var job = new FineTuningJob { Id = "ftjob-1", Owner = "o", Model = "m", TrainingFileId = "file-1", RequestedHyperparametersJson = "{}" };
        Assert.Equal(JobStatus.Queued, job.Status);
    }

    [Fact]
    public void A_new_model_import_is_queued()
    {
        var import = new ModelImport { Id = "imp-1", Owner = "o", Name = "m", Source = ModelImportSource.Hub };
        Assert.Equal(ModelImportStatus.Queued, import.Status);
    }
}
