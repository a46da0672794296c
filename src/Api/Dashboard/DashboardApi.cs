using Microsoft.Extensions.FileProviders;

namespace TuningService.Api.Dashboard;

/// <summary>
/// The web dashboard at /ui: static files (plain ES modules, the vendored Chart.js) that call the public /v1 API from
/// the browser with the key the user enters. The files are copied next to the executable (Api.csproj), so the test
/// host, `dotnet run` and the published image serve the same folder; nothing is built or fetched at run time.
/// </summary>
public static class DashboardApi
{
    public const string Path = "/ui";

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var root = System.IO.Path.Combine(AppContext.BaseDirectory, "Dashboard", "wwwroot");
        if (!Directory.Exists(root))
        {
            app.Logger.LogWarning("Dashboard files not found at {Root}; /ui is not served", root);
            return app;
        }
        // "/ui" without the slash would resolve the page's relative module paths against "/". Not an endpoint: routing
        // matches "/ui/" to "/ui" too, and an endpoint would also keep the static-file middleware from serving it.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value == Path)
            {
                context.Response.Redirect(Path + "/" + context.Request.QueryString);
                return Task.CompletedTask;
            }
            return next(context);
        });
        var files = new PhysicalFileProvider(root);
        // The browser must fetch a new index/app after an upgrade; the files are small and local, so no caching.
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
