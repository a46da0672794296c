// Hangfire keeps its storage and filters in process-wide statics, and training uses every core: test classes run
// one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
