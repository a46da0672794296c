using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;

namespace TuningService.Api.Models;

/// <summary>POST /v1/models/import: an uploaded archive (multipart) or a Hugging Face Hub download (JSON); admins only.</summary>
public static class ImportModel
{
    public static async Task<IResult> Handle(HttpContext http, TuningDbContext db, ImportedModels imported, IModelImportDispatcher dispatcher,
        TuningOptions options, CancellationToken ct)
    {
        var caller = Caller.From(http);
        caller.RequireAdmin("import models");
        if (!http.Request.HasJsonContentType())
            return Results.Ok(await ImportModelFromArchive.Handle(http, caller, db, imported, options, ct));
        ImportModelRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<ImportModelRequest>(ct);
        }
        catch (JsonException e)
        {
            // A field ImportModelRequest lacks is named here (the endpoint's metadata describes the multipart form); anything
            // else the exception handler turns into a 400 that names the offending field, as bound bodies get.
            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            throw (Exception?)UnknownParameter.Describe(e, typeof(ImportModelRequest), json)
                ?? new BadHttpRequestException("Invalid JSON body.", StatusCodes.Status400BadRequest, e);
        }
        if (request is null) throw ApiException.BadRequest("The body must be a JSON object.");
        return await ImportModelFromHub.Handle(request, caller, db, imported, dispatcher, ct);
    }
}
