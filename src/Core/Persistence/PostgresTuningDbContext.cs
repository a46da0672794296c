using Microsoft.EntityFrameworkCore;

namespace TuningService.Core.Persistence;

/// <summary>The production database (PostgreSQL).</summary>
public sealed class PostgresTuningDbContext(DbContextOptions<PostgresTuningDbContext> options) : TuningDbContext(options);
