using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TuningService.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DatasetsAndEvaluation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "IclShots",
                table: "fine_tuning_jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RetentionFileIdsJson",
                table: "fine_tuning_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TemplateJson",
                table: "fine_tuning_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TestFileId",
                table: "fine_tuning_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "TestSplit",
                table: "fine_tuning_jobs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ValidationSplit",
                table: "fine_tuning_jobs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Container",
                table: "files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Derivation",
                table: "files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParentFileId",
                table: "files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReadOptionsJson",
                table: "files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReportJson",
                table: "files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SplitName",
                table: "files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "evaluations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    JobId = table.Column<string>(type: "TEXT", nullable: true),
                    CacheKey = table.Column<string>(type: "TEXT", nullable: true),
                    Model = table.Column<string>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", nullable: false),
                    Step = table.Column<int>(type: "INTEGER", nullable: true),
                    DatasetRole = table.Column<string>(type: "TEXT", nullable: false),
                    DatasetId = table.Column<string>(type: "TEXT", nullable: false),
                    ReportJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_evaluations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_files_ParentFileId",
                table: "files",
                column: "ParentFileId");

            migrationBuilder.CreateIndex(
                name: "IX_evaluations_CacheKey",
                table: "evaluations",
                column: "CacheKey");

            migrationBuilder.CreateIndex(
                name: "IX_evaluations_JobId",
                table: "evaluations",
                column: "JobId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "evaluations");

            migrationBuilder.DropIndex(
                name: "IX_files_ParentFileId",
                table: "files");

            migrationBuilder.DropColumn(
                name: "IclShots",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "RetentionFileIdsJson",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "TemplateJson",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "TestFileId",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "TestSplit",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "ValidationSplit",
                table: "fine_tuning_jobs");

            migrationBuilder.DropColumn(
                name: "Container",
                table: "files");

            migrationBuilder.DropColumn(
                name: "Derivation",
                table: "files");

            migrationBuilder.DropColumn(
                name: "ParentFileId",
                table: "files");

            migrationBuilder.DropColumn(
                name: "ReadOptionsJson",
                table: "files");

            migrationBuilder.DropColumn(
                name: "ReportJson",
                table: "files");

            migrationBuilder.DropColumn(
                name: "SplitName",
                table: "files");
        }
    }
}
