using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace TuningService.Core.Persistence;

/// <summary>
/// An EF Core compiled query (EF.CompileAsyncQuery), compiled once per model: EF binds a compiled query to the model
/// it first runs against and throws for any other. A service has one model, but the tests run SQLite and PostgreSQL
/// services side by side in one process.
/// </summary>
/// <typeparam name="TQuery">The delegate EF.CompileAsyncQuery returns.</typeparam>
public sealed class CompiledQueryPerModel<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    readonly ConcurrentDictionary<IModel, TQuery> byModel = new();

    public TQuery For(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return byModel.GetOrAdd(db.Model, static (_, compile) => compile(), compile);
    }
}
