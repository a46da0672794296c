using Hangfire.Dashboard;

namespace TuningService.Api.Infrastructure;

/// <summary>The Hangfire dashboard is for admins (an admin API key, or anyone when no keys are configured).</summary>
public sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().Items[typeof(Caller)] is Caller { Admin: true };
}
