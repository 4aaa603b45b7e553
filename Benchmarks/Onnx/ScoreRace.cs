using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using NeuralPipelines.Benchmarks.Race;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Batch;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>
/// <c>score-race [--rows N] [--dir D] [--rounds R] [--threads T] [--models mlp,lenet5] [--inputs idx.gz,idx,csv] [--chunk-rows C] [--without-mlnet] [--intra-op-too] [--old-routes-too] [--stages | --split]</c>:
/// rows/s of <c>np score</c>'s path (<see cref="BatchScorer"/>) on the MLP 784-100-10 and LeNet-5, end to end from a gzip IDX
/// folder, an uncompressed IDX folder and a CSV to a CSV of predictions written through the atomic writer, beside raw ONNX
/// Runtime (in memory, and end to end as a plain loop: <see cref="RawOrtLoop"/>) and ML.NET's <c>ApplyOnnxModel</c> over
/// the same input (<see cref="MlNetScoring"/>), in the same sitting, rounds alternating.
/// </summary>
/// <remarks>
/// "Raw ONNX Runtime" is <c>InferenceSession.Run</c> over the rows already in memory as floats: one session with np score's
/// session options (same intra-op threads, one inter-op thread, no spinning, all graph optimisations), batches of the same
/// size, each input an OrtValue over the pinned array (no copy), the output allocated by ORT; nothing is read, converted or
/// written. It is the ceiling an end-to-end run is measured against, run two ways: one caller with all <c>--threads</c> as
/// intra-op threads (ONNX Runtime's samples), and one caller per thread with one intra-op thread each (as np score spends its
/// threads, <see cref="ScoringThreadPlan"/>); the summary takes the better of the two by each measure. Every contender gets
/// the whole machine (np score's reader and writer threads run beside its callers). <c>--intra-op-too</c> also runs np score
/// with one caller and all the threads inside ONNX Runtime (its arrangement before the callers), in the same rounds.
/// The inputs (the 10,000 shipped MNIST test digits repeated) are generated in D (default /tmp/np-score-race), never in
/// the repository. Weights are random with a fixed seed: they do not change the cost of scoring.
/// </remarks>
public static class ScoreRace
{
    private const int BatchSize = 256;

    public static int Run(string[] args, TextWriter output)
    {
        string Arg(string name, string fallback) { int at = Array.IndexOf(args, name); return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback; }
        int rows = int.Parse(Arg("--rows", "100000"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg("--rounds", "2"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg("--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        string dir = Arg("--dir", "/tmp/np-score-race");
        var wantedModels = Arg("--models", "mlp,lenet5").Split(',');
        var inputs = Arg("--inputs", "idx.gz,idx,csv").Split(',');
        // np score's rows per chunk (its default when not given): to try other sizes without changing the default.
        var batching = args.Contains("--chunk-rows") ? new BatchScoringOptions { ChunkRows = int.Parse(Arg("--chunk-rows", "0"), CultureInfo.InvariantCulture) } : null;
        var (idx, rawIdx, csv, pixels) = Inputs(dir, rows, output);
        string Folder(string input) => input switch { "idx.gz" => idx, "idx" => rawIdx, "csv" => csv, _ => throw new ArgumentException($"--inputs: unknown input '{input}' (idx.gz, idx, csv).") };
        var models = new (string Name, byte[] Onnx)[]
        {
            ("mlp", OnnxExporter.ExportBytes(Mlp.Build(new MlpOptions([784, 100, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood, Seed: 7)),
                new ModelCard { Architecture = "mlp", InputShape = [1, 28, 28], Seed = 7 })),
            ("lenet5", OnnxExporter.ExportBytes(new LeNet5().Build(new ZooOptions(1, 28, 28, 10, 7)), new ModelCard { Architecture = "lenet5", InputShape = [1, 28, 28], Seed = 7 })),
        };
        output.WriteLine($"rows {rows:N0}, batch {BatchSize}, threads {threads}, processors {Environment.ProcessorCount}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (name, onnx) in models.Where(m => wantedModels.Contains(m.Name)))
        {
            var options = new OnnxScorerOptions { PreferCuda = false, BatchSize = BatchSize, IntraOpNumThreads = threads };
            if (args.Contains("--split"))
            {
                ScoreSplit.Run(name, onnx, options, inputs.Select(i => (i, (Func<OnnxScorer, IRowSource>)(s =>
                    i == "csv" ? new CsvRows(Folder(i), s.InputShape, name) : new IdxRows(Folder(i), "test", s.InputShape, name)))), dir, rounds, output, batching,
                    args.Contains("--old-routes-too"));
                continue;
            }
            if (args.Contains("--stages"))
            {
                ScoreStages.Run(name, onnx, options, idx, rawIdx, csv, dir, rows, pixels, output);
                continue;
            }
            var modelFile = Path.Combine(dir, $"{name}.onnx");
            File.WriteAllBytes(modelFile, onnx);
            var results = new Dictionary<string, List<double>>();
            // This process's CPU-seconds per run: where other processes take most of the machine, wall time says more
            // about them than about the contenders, and the CPU a run needs is the steadier measure of its cost.
            var cpuSeconds = new Dictionary<string, List<double>>();
            void Time(string what, Action run)
            {
                var load = MachineLoad.Start();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                run();
                double seconds = clock.Elapsed.TotalSeconds, rate = rows / seconds;
                double used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                (results.TryGetValue(what, out var list) ? list : results[what] = []).Add(rate);
                (cpuSeconds.TryGetValue(what, out var spent) ? spent : cpuSeconds[what] = []).Add(used);
                output.WriteLine($"  {name,-7} {what,-30} {rate,10:N0} rows/s {seconds,7:F2} s {used,7:F2} CPU-s   other processes {load.OtherCores:F2} cores   load {File.ReadAllText("/proc/loadavg")[..4]}");
            }
            for (int round = 0; round < rounds; round++)
            {
                Time("raw ORT (in memory)", () => RawOrt(onnx, pixels, rows, options));
                if (threads > 1) Time($"raw ORT, {threads} callers", () => RawOrt(onnx, pixels, rows, options, threads));
                foreach (var input in inputs)
                {
                    string data = Folder(input);
                    Func<int[], IRowSource> openShaped = shape => input == "csv" ? new CsvRows(data, shape, name) : new IdxRows(data, "test", shape, name);
                    Func<OnnxScorer, IRowSource> open = s => openShaped(s.InputShape);
                    Time($"np score {input}", () => NpScore(onnx, options, open, Path.Combine(dir, "preds-np.csv"), batching));
                    Time($"raw ORT loop {input}", () => RawOrtLoop.Run(onnx, threads, BatchSize, openShaped, Path.Combine(dir, "preds-raw.csv")));
                    // The same run with the old routes (their switches off), alternating in the same rounds.
                    if (args.Contains("--old-routes-too"))
                    {
                        ScoreRoutes.Set(fast: false);
                        try { Time($"np score {input}, old routes", () => NpScore(onnx, options, open, Path.Combine(dir, "preds-np.csv"), batching)); }
                        finally { ScoreRoutes.Set(fast: true); }
                    }
                    if (args.Contains("--intra-op-too"))
                        Time($"np score {input}, 1 caller", () => NpScore(onnx, options, open, Path.Combine(dir, "preds-np.csv"), batching, intraOp: true));
                    // ML.NET scores a row per ONNX Runtime call, where a second intra-op thread (which spins, ML.NET does not
                    // let it be turned off) may cost more than it gives: it runs with np score's thread count and with one,
                    // and its better figure is the one compared.
                    foreach (int t in args.Contains("--without-mlnet") ? [] : new[] { threads, 1 }.Distinct())
                        Time($"ApplyOnnxModel {input}" + (t == threads ? "" : $" ({t} thread)"), () =>
                        {
                            if (input == "csv") MlNetScoring.FromCsv(modelFile, data, Path.Combine(dir, "preds-mlnet.csv"), t);
                            else MlNetScoring.FromIdx(modelFile, data, Path.Combine(dir, "preds-mlnet.csv"), t);
                        });
                }
            }
            // The ceiling is raw ORT at its better thread arrangement (one caller with all the intra-op threads, or a
            // caller per core), by each measure.
            var rawNames = results.Keys.Where(k => k.StartsWith("raw ORT", StringComparison.Ordinal)).ToList();
            double raw = rawNames.Max(k => results[k].Max()), rawCpu = rawNames.Min(k => Median(cpuSeconds[k]));
            foreach (var input in inputs)
            {
                var np = results[$"np score {input}"];
                var mlNames = results.Keys.Where(k => k == $"ApplyOnnxModel {input}" || k.StartsWith($"ApplyOnnxModel {input} (", StringComparison.Ordinal)).ToList();
                double ml = mlNames.Count == 0 ? double.NaN : mlNames.Max(k => results[k].Max()), mlCpu = mlNames.Count == 0 ? double.NaN : mlNames.Min(k => Median(cpuSeconds[k]));
                double npCpu = Median(cpuSeconds[$"np score {input}"]);
                var loop = results[$"raw ORT loop {input}"];
                double loopCpu = Median(cpuSeconds[$"raw ORT loop {input}"]);
                output.WriteLine($"  {name} {input}: wall, best of {rounds}: np score {np.Max() / raw:F2}× raw ORT in memory, {np.Max() / loop.Max():F2}× the raw ORT loop, " +
                                 $"{np.Max() / ml:F1}× ApplyOnnxModel (worst np: {np.Min() / raw:F2}×, {np.Min() / loop.Max():F2}×, {np.Min() / ml:F1}×); CPU-seconds, medians: " +
                                 $"np {npCpu:F2}, raw ORT in memory {rawCpu:F2}, raw ORT loop {loopCpu:F2}, ApplyOnnxModel {mlCpu:F2}: " +
                                 $"{rawCpu / npCpu:F2}× raw ORT in memory, {loopCpu / npCpu:F2}× the loop, {mlCpu / npCpu:F1}× ApplyOnnxModel");
            }
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // As np score runs it: its --threads spent as ScoringThreadPlan says (callers), or, with intraOp, as before this was measured
    // (one caller with all the threads inside ONNX Runtime's operators).
    internal static void NpScore(byte[] onnx, OnnxScorerOptions options, Func<OnnxScorer, IRowSource> open, string outputPath, BatchScoringOptions? batching = null,
        bool intraOp = false)
    {
        int threads = options.IntraOpNumThreads;
        using var scorer = new OnnxScorer(onnx, intraOp ? options : ScoringThreadPlan.Session(options), "race");
        using var source = open(scorer);
        AtomicFile.Write(outputPath, stream =>
        {
            using var writer = PredictionWriter.Create(PredictionFormat.Csv, stream, source.HasItems, source.HasLabels, scorer.OutputLength, null);
            new BatchScorer(scorer, (batching ?? ScoreRoutes.Batching) with { ScoringThreads = intraOp ? 1 : ScoringThreadPlan.Callers(scorer, threads) }).Run(source, writer);
        });
    }

    // ONNX Runtime as its own samples use it: one session, the same options as our scorer, batches of the same size.
    // callers > 1: that many threads call Run on the one session at once, each taking the next batch, with the intra-op
    // threads divided among them (threads ÷ callers each): the same cores spent across batches instead of inside operators.
    internal static void RawOrt(byte[] onnx, float[] pixels, int rows, OnnxScorerOptions o, int callers = 1)
    {
        using var options = RawOrtLoop.Options(Math.Max(1, o.IntraOpNumThreads / callers));
        using var session = new InferenceSession(onnx, options);
        using var run = new RunOptions();
        var memory = pixels.AsMemory();
        int next = -BatchSize;
        void Loop()
        {
            float sink = 0;
            for (int start; (start = Interlocked.Add(ref next, BatchSize)) < rows;)
            {
                int n = Math.Min(BatchSize, rows - start);
                using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory.Slice(start * 784, n * 784), [n, 1, 28, 28]);
                using var y = session.Run(run, [ModelCard.InputName], [x], [ModelCard.ProbabilitiesName]);
                sink += y[0].GetTensorDataAsSpan<float>()[0];
            }
            GC.KeepAlive(sink);
        }
        var others = Enumerable.Range(1, callers - 1).Select(_ => new Thread(Loop)).ToList();
        others.ForEach(t => t.Start());
        Loop();
        others.ForEach(t => t.Join());
    }

    private static (string Idx, string RawIdx, string Csv, float[] Pixels) Inputs(string dir, int rows, TextWriter output)
    {
        var mnist = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Test;
        var pixels = new float[rows * 784];
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            mnist.Image(i % mnist.Count).CopyTo(pixels.AsSpan(i * 784, 784));
            labels[i] = mnist.Labels[i % mnist.Count];
        }
        var idx = Path.Combine(dir, $"idx-{rows}");
        var rawIdx = Path.Combine(dir, $"idx-raw-{rows}");
        var csv = Path.Combine(dir, $"mnist-{rows}.csv");
        if (!IdxImageFolder.Holds(idx))
            IdxImageFolder.Save(idx, new TrainTestSplit("race", mnist.Take(100), new LabelledImages("race", pixels, labels, 1, 28, 28, 10)));
        if (!IdxImageFolder.Holds(rawIdx))
        {
            // The same files uncompressed, as a user who keeps them unpacked has them.
            Directory.CreateDirectory(rawIdx);
            foreach (var gz in Directory.GetFiles(idx, "*.gz"))
            {
                using var content = CheckedGzipStream.OpenContent(gz);
                AtomicFile.Write(Path.Combine(rawIdx, Path.GetFileNameWithoutExtension(gz)), content.CopyTo);
            }
        }
        if (!File.Exists(csv))
        {
            output.WriteLine($"writing {csv} …");
            Directory.CreateDirectory(dir);
            AtomicFile.Write(csv, stream =>
            {
                using var w = new StreamWriter(stream, leaveOpen: true);
                w.Write("label");
                for (int p = 0; p < 784; p++) w.Write($",px{p}");
                w.Write('\n');
                for (int i = 0; i < rows; i++)
                {
                    w.Write(labels[i]);
                    // Pixels as the bytes they came from, over 255: how an MNIST CSV is usually written, in [0, 1].
                    foreach (var v in pixels.AsSpan(i * 784, 784)) { w.Write(','); w.Write((MathF.Round(v * 255f) / 255f).ToString("0.######", CultureInfo.InvariantCulture)); }
                    w.Write('\n');
                }
            });
        }
        return (idx, rawIdx, csv, pixels);
    }
}
