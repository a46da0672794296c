using System.Net;
using TuningService.Core.Webhooks;

namespace TuningService.Core.Tests.Webhooks;

public sealed class WebhookTargetsTests
{
    [Theory]
    [InlineData("127.0.0.1")] [InlineData("127.255.0.9")] [InlineData("10.0.0.1")] [InlineData("172.16.0.1")] [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")] [InlineData("169.254.169.254")] [InlineData("100.64.0.1")] [InlineData("0.0.0.0")] [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")] [InlineData("198.18.0.1")]
    [InlineData("::1")] [InlineData("::")] [InlineData("fd12:3456::1")] [InlineData("fe80::1")] [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")] [InlineData("64:ff9b::7f00:1")] [InlineData("2002:0a00:0001::1")] [InlineData("2001:db8::1")]
    public void Loopback_private_link_local_and_reserved_addresses_are_not_public(string address) =>
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")] [InlineData("8.8.8.8")] [InlineData("172.32.0.1")] [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")] [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_public(string address) => Assert.True(WebhookTargets.IsPublic(IPAddress.Parse(address)));
}
