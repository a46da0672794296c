using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Configuration;

namespace TuningService.Core.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>PostgreSQL when a connection string is given, else SQLite under the data directory.</summary>
    public static IServiceCollection AddTuningPersistence(this IServiceCollection services, string? postgresConnectionString, DataPaths paths)
    {
        if (!string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            services.AddDbContext<PostgresTuningDbContext>(o => o.UseNpgsql(postgresConnectionString));
            services.AddScoped<TuningDbContext>(sp => sp.GetRequiredService<PostgresTuningDbContext>());
        }
        else
        {
            services.AddDbContext<SqliteTuningDbContext>(o => o.UseSqlite($"Data Source={paths.SqliteDatabase}"));
            services.AddScoped<TuningDbContext>(sp => sp.GetRequiredService<SqliteTuningDbContext>());
        }
        return services;
    }
}
