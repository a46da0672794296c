namespace TuningService.Core.Webhooks;

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>Every try failed until the give-up horizon (<see cref="WebhookOptions.GiveUpAfterSeconds"/>).</summary>
    public const string Failed = "failed";
}
