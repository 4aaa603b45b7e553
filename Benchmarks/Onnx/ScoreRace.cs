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
/// <c>score-race [--rows N] [--dir D] [--rounds R] [--threads T] [--stages]</c>: rows/s of <c>np score</c>'s path (<see cref="BatchScorer"/>)
/// on the MLP 784-100-10 and LeNet-5, end to end from an IDX folder and from a CSV to a CSV of predictions written through
/// the atomic writer, beside raw ONNX Runtime (<c>InferenceSession.Run</c> over the same rows in memory, same batch size,
/// threads and session options, nothing read or written) and ML.NET's <c>ApplyOnnxModel</c> (TextLoader over the same CSV →
/// ApplyOnnxModel → SaveAsText of the scores), in the same sitting, rounds alternating.
/// </summary>
/// <remarks>The inputs (100,000 MNIST test digits, the 10,000 shipped ones repeated) are generated in D (default /tmp/np-score-race),
/// never in the repository. Weights are random with a fixed seed: they do not change the cost of scoring.</remarks>
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
        var (idx, csv, pixels) = Inputs(dir, rows, output);
        var models = new (string Name, byte[] Onnx)[]
        {
            ("mlp 784-100-10", OnnxExporter.ExportBytes(Mlp.Build(new MlpOptions([784, 100, 10], "relu", Initializer.He, Cost: CostKind.LogLikelihood, Seed: 7)),
                new ModelCard { Architecture = "mlp", InputShape = [1, 28, 28], Seed = 7 })),
            ("lenet5", OnnxExporter.ExportBytes(new LeNet5().Build(new ZooOptions(1, 28, 28, 10, 7)), new ModelCard { Architecture = "lenet5", InputShape = [1, 28, 28], Seed = 7 })),
        };
        output.WriteLine($"rows {rows:N0}, batch {BatchSize}, threads {threads}, processors {Environment.ProcessorCount}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (name, onnx) in models)
        {
            var options = new OnnxScorerOptions { PreferCuda = false, BatchSize = BatchSize, IntraOpNumThreads = threads };
            if (args.Contains("--stages"))
            {
                ScoreStages.Run(name, onnx, options, idx, dir, rows, pixels, output);
                continue;
            }
            var results = new Dictionary<string, List<double>>();
            void Time(string what, Action run)
            {
                var load = MachineLoad.Start();
                var clock = Stopwatch.StartNew();
                run();
                double rate = rows / clock.Elapsed.TotalSeconds;
                (results.TryGetValue(what, out var list) ? list : results[what] = []).Add(rate);
                output.WriteLine($"  {name,-15} {what,-34} {rate,10:N0} rows/s   other processes {load.OtherCores:F2} cores");
            }
            for (int round = 0; round < rounds; round++)
            {
                Time("raw ONNX Runtime (in memory)", () => RawOrt(onnx, pixels, rows, options));
                Time("np score IDX → CSV", () => NpScore(onnx, options, s => new IdxRows(idx, "test", s.InputShape, name), Path.Combine(dir, "preds-idx.csv")));
                Time("np score CSV → CSV", () => NpScore(onnx, options, s => new CsvRows(csv, s.InputShape, name), Path.Combine(dir, "preds-csv.csv")));
                Time("ML.NET ApplyOnnxModel CSV → CSV", () => MlNet(onnx, csv, Path.Combine(dir, "preds-mlnet.csv")));
            }
            double Best(string what) => results[what].Max();
            double raw = Best("raw ONNX Runtime (in memory)"), mlnet = Best("ML.NET ApplyOnnxModel CSV → CSV");
            output.WriteLine($"  {name}: best of {rounds}: np score IDX→CSV {Best("np score IDX → CSV") / raw:F2}× raw ORT, {Best("np score IDX → CSV") / mlnet:F1}× ApplyOnnxModel; " +
                             $"CSV→CSV {Best("np score CSV → CSV") / raw:F2}× raw ORT, {Best("np score CSV → CSV") / mlnet:F1}× ApplyOnnxModel");
        }
        return 0;
    }

    internal static void NpScore(byte[] onnx, OnnxScorerOptions options, Func<OnnxScorer, IRowSource> open, string outputPath)
    {
        using var scorer = new OnnxScorer(onnx, options, "race");
        using var source = open(scorer);
        AtomicFile.Write(outputPath, stream =>
        {
            using var writer = PredictionWriter.Create(PredictionFormat.Csv, stream, source.HasItems, source.HasLabels, scorer.OutputLength, null);
            new BatchScorer(scorer).Run(source, writer);
        });
    }

    // ONNX Runtime as its own samples use it: one session, the same options as our scorer, batches of the same size.
    internal static void RawOrt(byte[] onnx, float[] pixels, int rows, OnnxScorerOptions o)
    {
        using var options = new SessionOptions { IntraOpNumThreads = o.IntraOpNumThreads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(onnx, options);
        using var run = new RunOptions();
        var memory = pixels.AsMemory();
        float sink = 0;
        for (int start = 0; start < rows; start += BatchSize)
        {
            int n = Math.Min(BatchSize, rows - start);
            using var x = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory.Slice(start * 784, n * 784), [n, 1, 28, 28]);
            using var y = session.Run(run, [ModelCard.InputName], [x], [ModelCard.ProbabilitiesName]);
            sink += y[0].GetTensorDataAsSpan<float>()[0];
        }
        GC.KeepAlive(sink);
    }

    private static void MlNet(byte[] onnx, string csv, string outputPath)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile(csv, [new TextLoader.Column("Label", DataKind.Single, 0), new TextLoader.Column("Features", DataKind.Single, 1, 784)],
            separatorChar: ',', hasHeader: true);
        var model = OnnxModelEstimators.Create(ml, onnx, "Features").Append(ml.Transforms.SelectColumns(OnnxModelColumns.Score)).Fit(data);
        AtomicFile.Write(outputPath, stream => ml.Data.SaveAsText(model.Transform(data), stream, separatorChar: ',', headerRow: true, schema: false));
    }

    private static (string Idx, string Csv, float[] Pixels) Inputs(string dir, int rows, TextWriter output)
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
        var csv = Path.Combine(dir, $"mnist-{rows}.csv");
        if (!IdxImageFolder.Holds(idx))
            IdxImageFolder.Save(idx, new TrainTestSplit("race", mnist.Take(100), new LabelledImages("race", pixels, labels, 1, 28, 28, 10)));
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
        return (idx, csv, pixels);
    }
}
