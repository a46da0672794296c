using Npgsql;

namespace TuningService.Api.Tests.Infrastructure;

[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer postgres)
{
    [Fact]
    public void CreatedDatabaseAnswersSelectOne()
    {
        var connectionString = postgres.CreateDatabase();

        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("select 1, current_database()", connection);
        using var reader = command.ExecuteReader();

        Assert.True(reader.Read());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Database, reader.GetString(1));
    }

    [Fact]
    public void EachCallGivesADatabaseOfItsOwn()
    {
        var first = postgres.CreateDatabase();
        var second = postgres.CreateDatabase();
        Execute(first, "create table owned (id int)");

        Assert.NotEqual(first, second);
        Assert.Equal(1L, Execute(first, "select count(*) from pg_tables where tablename = 'owned'"));
        Assert.Equal(0L, Execute(second, "select count(*) from pg_tables where tablename = 'owned'"));
    }

    static object? Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
