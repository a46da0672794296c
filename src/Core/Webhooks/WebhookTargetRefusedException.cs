namespace TuningService.Core.Webhooks;

/// <summary>A delivery's target resolved to an address that <see cref="WebhookTargets"/> refuses.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
