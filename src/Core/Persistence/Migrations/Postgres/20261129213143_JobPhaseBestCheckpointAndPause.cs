using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TuningService.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class JobPhaseBestCheckpointAndPause : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BestCheckpointId",
                table: "fine_tuning_jobs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PauseRequested",
                table: "fine_tuning_jobs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Phase",
                table: "fine_tuning_jobs",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BestCheckpointId",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "PauseRequested",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "Phase",
                table: "fine_tuning_jobs");
        }
    }
}
