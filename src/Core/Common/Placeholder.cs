namespace TuningService.Core.Common;
internal static class Placeholder { }
