using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TuningService.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FencedLeaseAndDispatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DispatchId",
                table: "fine_tuning_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DispatchedAt",
                table: "fine_tuning_jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeaseGeneration",
                table: "fine_tuning_jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DispatchId",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "DispatchedAt",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "LeaseGeneration",
                table: "fine_tuning_jobs");
        }
    }
}
