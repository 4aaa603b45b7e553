using System.CommandLine;
using NeuralPipelines.Onnx.Integrity;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Serving;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np serve</c>: puts a model behind HTTP (see <see cref="PredictionServer"/>) until SIGTERM or Ctrl+C.</summary>
public sealed class ServeCommand : ICliCommand
{
    public string Name => "serve";

    public Command Create(CliContext context)
    {
        var defaults = new ServingOptions();
        var model = new Option<string>("--model") { Description = "An ONNX model exported by np export, or an ML.NET zip holding one.", Required = true };
        var urls = new Option<string>("--urls") { Description = "Where to listen; port 0 picks a free port (printed at start).", DefaultValueFactory = _ => defaults.Urls };
        var device = new Option<string>("--device") { Description = "auto (CUDA when it loads, else the CPU), cpu, or cuda (fail without it).", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads per scorer call; by default one per core of this machine.", DefaultValueFactory = _ => new NeuralPipelines.Onnx.Scoring.OnnxScorerOptions().IntraOpNumThreads };
        var batch = new Option<int>("--batch-size") { Description = "Rows scored together at most: concurrent requests are gathered up to it, and a larger request is scored in batches of it.", DefaultValueFactory = _ => defaults.MaxBatchRows };
        var wait = new Option<double>("--max-wait-ms") { Description = "How long a batch waits for requests still being read.", DefaultValueFactory = _ => defaults.MaxBatchWait.TotalMilliseconds };
        var queue = new Option<int>("--queue-capacity") { Description = "Requests waiting at most; beyond it the answer is 503 at once.", DefaultValueFactory = _ => defaults.QueueCapacity };
        var body = new Option<long>("--max-body-bytes") { Description = "Largest request body; a larger one gets 400.", DefaultValueFactory = _ => defaults.MaxBodyBytes };
        var resize = new Option<bool>("--resize-images") { Description = "Resize uploaded images of another size to the model's (bicubic) instead of refusing them." };
        var command = new Command("serve",
            "Serve a model over HTTP: POST /predict (JSON {\"rows\": [[...], ...]} or an image upload) → predictions; GET /health; " +
            "GET /model (the model card); GET /metrics (Prometheus text). Concurrent requests are scored together in batches. " +
            "SIGTERM or Ctrl+C stops it after the requests in flight are answered.\n" +
            "Example: np serve --model mlp.onnx --urls http://127.0.0.1:8080");
        foreach (var o in new Option[] { model, urls, device, threads, batch, wait, queue, body, resize }) command.Options.Add(o);

        context.SetAction(command, parse =>
        {
            var path = parse.GetValue(model)!;
            int rowsPerBatch = parse.BatchRows(batch), threadCount = parse.Threads(threads);
            var options = new ServingOptions
            {
                Urls = parse.GetValue(urls)!,
                MaxBatchRows = rowsPerBatch,
                MaxBatchWait = TimeSpan.FromMilliseconds(parse.GetValue(wait)),
                QueueCapacity = parse.GetValue(queue),
                MaxBodyBytes = parse.GetValue(body),
                ResizeImages = parse.GetValue(resize),
            };
            options.Validate();
            var where = parse.GetValue(device)!;
            if (File.Exists(path) && ModelFileKinds.Of(path) == ModelFileKind.Checkpoint)
                throw new InvalidDataException($"{path}: a training checkpoint; np serve takes an ONNX model or an ML.NET zip: export it first (np export --model {path} --out model.onnx).");
            using var scorer = OnnxScorer.Load(path, new OnnxScorerOptions
            {
                PreferCuda = where != "cpu",
                IntraOpNumThreads = threadCount,
                BatchSize = options.MaxBatchRows,
                Log = context.Error.WriteLine,
            });
            if (where == "cuda" && scorer.ExecutionProvider != "CUDA")
                throw new InvalidOperationException($"--device cuda: CUDA is not available here ({scorer.FallbackReason}).");
            var server = PredictionServer.StartAsync(scorer, path, options).GetAwaiter().GetResult();
            context.Out.WriteLine(
                $"np serve: {scorer.Card?.Architecture ?? Path.GetFileName(path)} on {scorer.ExecutionProvider}, listening on {string.Join(", ", server.Urls)}; " +
                "POST /predict, GET /health /model /metrics; SIGTERM or Ctrl+C stops after the requests in flight.");
            context.Out.Flush();
            server.WaitForShutdownAsync().GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            context.Out.WriteLine($"np serve: stopped after {server.Metrics.Rows} rows in {server.Metrics.Batches} batches.");
            return 0;
        });
        return command;
    }
}
