using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TuningService.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JobTasksAndMixing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MixingJson",
                table: "fine_tuning_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TasksJson",
                table: "fine_tuning_jobs",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MixingJson",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "TasksJson",
                table: "fine_tuning_jobs");
        }
    }
}
