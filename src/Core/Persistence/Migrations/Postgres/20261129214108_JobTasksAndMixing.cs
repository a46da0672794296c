using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TuningService.Core.Persistence.Migrations.Postgres
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TasksJson",
                table: "fine_tuning_jobs",
                type: "text",
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
