namespace TuningService.Core.Configuration;

/// <summary>The `Tuning` configuration section (environment: Tuning__DataDir, Tuning__ApiKeys__0__Key, ...).</summary>
public sealed class TuningOptions
{
    public const string Section = "Tuning";

    /// <summary>Uploaded files, checkpoints and (embedded mode) the SQLite database. Shared storage when workers run on several machines.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Run the Hangfire server inside the API process (the embedded default).</summary>
    public bool RunWorkerInProcess { get; set; } = true;

    /// <summary>An extra folder whose sub-folders are Hugging Face-format models, listed as base models.</summary>
    public string? ModelsPath { get; set; }

    /// <summary>
    /// The keys callers send as `Authorization: Bearer`. Read again when the configuration changes (the keys file,
    /// appsettings.json): a rotation needs no restart. None: anonymous callers are served, on loopback only unless
    /// <see cref="AllowAnonymous"/>.
    /// </summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>
    /// With no API keys, serve anonymous callers (each an admin) on every interface the service listens on. False
    /// (the default): with no keys the API refuses to start on any address but loopback, so a service that a network
    /// can reach is never open to it by accident.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// A JSON configuration file read after every other source and again whenever it changes, meant for the keys
    /// (<c>{"Tuning":{"ApiKeys":[{"Key":"...","Owner":"alice"}]}}</c>), so they can live in a mounted secret and be rotated
    /// without a restart. Null (the default): none.
    /// </summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>Requests per key per minute (429 past it); see <see cref="RateLimitOptions"/>.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Jobs and bytes one owner may hold; see <see cref="QuotaOptions"/>.</summary>
    public QuotaOptions Quotas { get; set; } = new();

    /// <summary>Largest accepted upload; larger ones get 413.</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Jobs one worker process trains at the same time. Training uses every core, so 1 is usually right.</summary>
    public int WorkerCount { get; set; } = 1;

    /// <summary>
    /// How long a worker's claim on a job lasts without renewal. A worker that dies loses the job after this; another
    /// worker may then continue it from its last checkpoint.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>
    /// PostgreSQL mode: how long Hangfire waits before handing a job fetched by a vanished worker to another one
    /// (sliding: a live worker keeps extending it).
    /// </summary>
    public int JobInvisibilitySeconds { get; set; } = 300;

    /// <summary>
    /// Worker deaths one job may cause (a claim that never ended cleanly: killed, out of memory, a native crash)
    /// before it is failed instead of handed to yet another worker.
    /// </summary>
    public int MaxJobAttempts { get; set; } = 3;

    /// <summary>
    /// How long a training worker rides out a database it cannot reach: progress is buffered and retried while
    /// training goes on. Past this the worker stops and the job waits, queued, for any worker.
    /// </summary>
    public int DatabaseOutageToleranceSeconds { get; set; } = 600;

    /// <summary>On SIGTERM, the time a worker has to save a checkpoint at the current step and hand the job back.</summary>
    public int ShutdownCheckpointSeconds { get; set; } = 60;

    /// <summary>
    /// How often the reconciler looks for jobs that nobody will run (a crash between a job's row and its dispatch,
    /// a lapsed lease): a Hangfire cron expression, seconds allowed.
    /// </summary>
    public string ReconcileCron { get; set; } = "*/20 * * * * *";

    /// <summary>Checkpoints a job keeps on disk: the latest this many, plus the best by validation loss.</summary>
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>Examples of each test or retention set a job evaluates by generation (teacher-forced metrics cover all).</summary>
    public int EvaluationMaxGeneratedExamples { get; set; } = 200;

    /// <summary>
    /// The memory one training worker may use, in bytes. Every job's memory plan is held to it: a job whose estimated
    /// peak is larger is refused at create time (400, with the settings that would fit). Null (the default): the
    /// machine's memory (or the cgroup's limit) less a tenth, at least 1 GiB (WorkerMemoryLimit). Set it on a CUDA
    /// worker (the GPU's memory) and where other processes share the machine.
    /// </summary>
    public long? WorkerMemoryBytes { get; set; }

    /// <summary>Memory the API may keep loaded models in for inference; least recently used models are evicted past it.</summary>
    public long ModelCacheBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// With Tuning:Storage:Kind=s3: the most bytes the data directory keeps as a cache of the bucket (uploaded and
    /// pulled files, model and checkpoint folders, tokenized data); least recently used out first, never what a job or
    /// request is using. Null (the default): unbounded, because the right size depends on the disk and the models (a
    /// bound below the largest model in use only makes machines fetch it again and again) and a single machine should
    /// not lose its copies unasked. Ignored with Kind=local: there the data directory is the store, nothing is evicted.
    /// </summary>
    public long? LocalCacheBytes { get; set; }

    /// <summary>Generation requests served at once; more wait in a queue.</summary>
    public int MaxConcurrentGenerations { get; set; } = 2;

    /// <summary>Requests allowed to wait for a generation slot; past this the API answers 429.</summary>
    public int MaxQueuedGenerations { get; set; } = 16;

    /// <summary>
    /// Dataset operations that read a whole file (stats, clean, split, a preview taking {options} from the file's
    /// labels) run at once; null: half the processors, at least 1. Each takes a thread and a core for as long as it
    /// reads, so more than the cores would only slow them all and the API's other requests.
    /// </summary>
    public int? MaxConcurrentDatasetOperations { get; set; }

    /// <summary>Dataset operations allowed to wait for a slot, oldest first; past this the API answers 429.</summary>
    public int MaxQueuedDatasetOperations { get; set; } = 16;

    /// <summary><see cref="MaxConcurrentDatasetOperations"/>, or its default for this machine.</summary>
    public int DatasetOperationSlots => MaxConcurrentDatasetOperations ?? Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The Hugging Face Hub (or a mirror with the same URL layout) that `POST /v1/models/import` downloads from.</summary>
    public string HubUrl { get; set; } = "https://huggingface.co";

    /// <summary>A Hub access token, sent as a bearer token to the Hub (not to the CDN it redirects to); needed for gated or private repos.</summary>
    public string? HubToken { get; set; }
}
