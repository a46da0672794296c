namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// Test classes marked <c>[Collection(PostgresCollection.Name)]</c> share one <see cref="PostgresServer"/> (one
/// server per test run, started once) and take a fresh database from it per test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
