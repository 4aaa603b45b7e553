using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Pipelines.Neural;
using NeuralPipelines.Pipelines.Tabular;
using Xunit.Abstractions;

namespace NeuralPipelines.Onnx.Tests.Scoring;

/// <summary>ModelPool: many threads at once get exactly what one thread gets, on the ONNX Runtime path and on the
/// PredictionEngine path; a replaced file is picked up; a broken one is not; the container registration works.</summary>
public sealed class ModelPoolTests(ITestOutputHelper output)
{
    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    private static readonly ModelPoolOptions Quiet = new() { WatchForChanges = false, Scorer = new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 }, Log = _ => { } };

    private static string SaveIrisNetwork(TempFolder temp, string name = "iris.zip")
    {
        var (pipeline, train, _) = IrisFlowers.Trained.Value;
        var zip = temp.File(name);
        new MLContext(1).Model.Save(pipeline, train.Schema, zip);
        return zip;
    }

    /// <summary>Each thread predicts <paramref name="perThread"/> flowers, cycling through them from its own offset, and
    /// checks every answer against the single-threaded one; returns the elapsed seconds.</summary>
    private static double Hammer<TOut>(ModelPool<IrisFlowers.Flower, TOut> pool, IrisFlowers.Flower[] flowers, TOut[] expected,
        Func<TOut, TOut, bool> same, int threads, int perThread) where TOut : class, new()
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                int row = (t * 37 + i) % flowers.Length;
                var answer = pool.Predict(flowers[row]);
                if (!same(answer, expected[row])) failures.Enqueue($"thread {t}, prediction {i}, flower {row}");
            }
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        Assert.True(failures.IsEmpty, $"{failures.Count} answers differ from single-threaded scoring, first: {failures.FirstOrDefault()}");
        return clock.Elapsed.TotalSeconds;
    }

    private static bool Same(Prediction a, Prediction b) => a.PredictedLabel == b.PredictedLabel && a.Score.AsSpan().SequenceEqual(b.Score);

    [Fact]
    public void Eight_threads_times_ten_thousand_predictions_on_the_onnx_runtime_path_match_single_threaded_scoring()
    {
        using var temp = new TempFolder();
        var zip = SaveIrisNetwork(temp);
        var flowers = IrisFlowers.All();
        using var pool = new ModelPool<IrisFlowers.Flower, Prediction>(zip, Quiet);
        Assert.Equal("onnx-runtime", pool.Backend);

        var expected = flowers.Select(pool.Predict).ToArray();
        // Single-threaded ML.NET on the same zip gives the same answers, and the batched call the same as one by one.
        var ml = new MLContext(3);
        var engine = ml.Model.CreatePredictionEngine<IrisFlowers.Flower, Prediction>(ml.Model.Load(zip, out _));
        for (int i = 0; i < flowers.Length; i++)
        {
            var reference = engine.Predict(flowers[i]);
            Assert.Equal(reference.PredictedLabel, expected[i].PredictedLabel);
            for (int k = 0; k < 3; k++) Assert.Equal(reference.Score[k], expected[i].Score[k], 1e-6f);
        }
        // A list goes through as one batch: the same classes, and probabilities equal to float rounding.
        foreach (var (batched, one) in pool.Predict(flowers).Zip(expected))
        {
            Assert.Equal(one.PredictedLabel, batched.PredictedLabel);
            for (int k = 0; k < 3; k++) Assert.Equal(one.Score[k], batched.Score[k], 1e-6f);
        }

        double seconds = Hammer(pool, flowers, expected, Same, threads: 8, perThread: 10_000);
        output.WriteLine($"onnx-runtime path: 80,000 predictions on 8 threads in {seconds:F2} s ({80_000 / seconds:N0}/s, {Environment.ProcessorCount} cores)");
    }

    [Fact]
    public void Eight_threads_on_prediction_engines_never_share_one()
    {
        using var temp = new TempFolder();
        var zip = SaveIrisNetwork(temp);
        var flowers = IrisFlowers.All();
        // The scenario of the issue: an ONNX-backed zip through ML.NET PredictionEngines, many threads at once.
        using var pool = new ModelPool<IrisFlowers.Flower, Prediction>(zip, Quiet with { PreferOnnxRuntime = false });
        Assert.Equal("prediction-engine", pool.Backend);
        var expected = flowers.Select(pool.Predict).ToArray();
        double seconds = Hammer(pool, flowers, expected, Same, threads: 8, perThread: 1_000);
        output.WriteLine($"prediction-engine path (ONNX-backed zip): 8,000 predictions on 8 threads in {seconds:F2} s");
    }

    public sealed class IrisColumns
    {
        [ColumnName("sepal length (cm)")] public float SepalLength { get; set; }
        [ColumnName("sepal width (cm)")] public float SepalWidth { get; set; }
        [ColumnName("petal length (cm)")] public float PetalLength { get; set; }
        [ColumnName("petal width (cm)")] public float PetalWidth { get; set; }
    }

    public sealed class ClassPrediction
    {
        public float[] Score { get; set; } = [];
        public float PredictedClass { get; set; }
    }

    [Fact]
    public void A_zip_of_mlnets_own_trainer_is_served_by_engines_from_many_threads()
    {
        using var temp = new TempFolder();
        var zip = temp.File("maxent.zip");
        var iris = IrisFlowers.SaveMaxEntZip(zip);
        var rows = iris.Rows.Select(r => new IrisColumns { SepalLength = (float)r[0], SepalWidth = (float)r[1], PetalLength = (float)r[2], PetalWidth = (float)r[3] }).ToArray();

        using var pool = new ModelPool<IrisColumns, ClassPrediction>(zip, Quiet);
        Assert.Equal("prediction-engine", pool.Backend);
        var expected = rows.Select(pool.Predict).ToArray();
        Assert.True(expected.Count(p => p.PredictedClass == iris.Labels[Array.IndexOf(expected, p)]) > 140);
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                int row = (t * 11 + i) % rows.Length;
                var answer = pool.Predict(rows[row]);
                if (answer.PredictedClass != expected[row].PredictedClass || !answer.Score.AsSpan().SequenceEqual(expected[row].Score)) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_replaced_file_is_reloaded_and_a_broken_one_leaves_the_model_serving()
    {
        using var temp = new TempFolder();
        var zip = SaveIrisNetwork(temp, "served.zip");
        var flowers = IrisFlowers.All();
        var logged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var pool = new ModelPool<IrisFlowers.Flower, Prediction>(zip, Quiet with { WatchForChanges = true, Log = logged.Enqueue });
        var before = flowers.Select(pool.Predict).ToArray();
        Assert.False(pool.ReloadIfChanged());

        // A second model: the same pipeline trained for a few epochs from another seed gives other probabilities.
        var ml = new MLContext(1);
        var (_, train, _) = IrisFlowers.Trained.Value;
        var other = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.NeuralNetwork(
            new NeuralNetworkOptions { HiddenLayers = [4], Epochs = 3, BatchSize = 10, Seed = 11 })).Fit(train);
        var staged = temp.File("staged.zip");
        ml.Model.Save(other, train.Schema, staged);
        AtomicFile.WriteAllBytes(zip, File.ReadAllBytes(staged));

        var clock = Stopwatch.StartNew();
        while (pool.Generation == 0 && clock.Elapsed < TimeSpan.FromSeconds(15)) Thread.Sleep(50);
        Assert.Equal(1, pool.Generation);
        var engine = ml.Model.CreatePredictionEngine<IrisFlowers.Flower, Prediction>(other);
        var after = flowers.Select(pool.Predict).ToArray();
        Assert.NotEqual(before[0].Score, after[0].Score);
        for (int i = 0; i < flowers.Length; i++) Assert.Equal(engine.Predict(flowers[i]).PredictedLabel, after[i].PredictedLabel);

        // Garbage written in place (no rename): the reload fails, says so, and the second model keeps serving.
        File.WriteAllBytes(zip, [0x50, 0x4B, 1, 2, 3]);
        Assert.False(pool.ReloadIfChanged());
        Assert.Contains(logged, l => l.Contains("could not be loaded") && l.Contains(zip));
        // The pool runs inside the user's app, not inside np: its lines carry no "np:" prefix.
        Assert.All(logged, l => Assert.DoesNotContain("np:", l));
        Assert.Equal(after[5].Score, pool.Predict(flowers[5]).Score);
    }

    /// <summary>A null example in a list is refused by its index on both paths, as a null single example is by name: the ONNX
    /// Runtime path threw reflection's TargetException ("Non-static method requires a target") and the engine path a
    /// NullReferenceException from inside ML.NET, neither saying which example of the request was missing.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_null_example_in_a_list_is_refused_naming_its_index(bool onnxRuntime)
    {
        using var temp = new TempFolder();
        var zip = SaveIrisNetwork(temp);
        using var pool = new ModelPool<IrisFlowers.Flower, Prediction>(zip, Quiet with { PreferOnnxRuntime = onnxRuntime });
        var flowers = IrisFlowers.All();
        var e = Assert.Throws<ArgumentNullException>(() => pool.Predict([flowers[0], null!, flowers[2]]));
        Assert.Contains("example 1", e.Message);
    }

    /// <summary>A feature vector of the wrong length, or none, is refused naming the file, the column, the example and both
    /// lengths on both paths: the engine path said only "Length of memory (3) must match product of dimensions (4)", from
    /// inside ONNX Runtime, which a host logging it cannot trace to a model or a request.</summary>
    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 3)]
    [InlineData(false, 5)]
    [InlineData(false, -1)]
    public void A_feature_vector_of_the_wrong_length_is_refused_naming_the_model_and_the_example(bool onnxRuntime, int length)
    {
        using var temp = new TempFolder();
        var zip = SaveIrisNetwork(temp);
        using var pool = new ModelPool<IrisFlowers.Flower, Prediction>(zip, Quiet with { PreferOnnxRuntime = onnxRuntime });
        var flowers = IrisFlowers.All();
        var bad = new IrisFlowers.Flower { Features = length < 0 ? null! : new float[length] };
        var e = Assert.Throws<ArgumentException>(() => pool.Predict([flowers[0], bad]));
        Assert.StartsWith(zip, e.Message);
        Assert.Contains("example 1", e.Message);
        Assert.Contains("Features", e.Message);
        if (length >= 0) Assert.Contains($"has {length}", e.Message);
        Assert.Throws<ArgumentException>(() => pool.Predict(bad));
    }

    /// <summary><see cref="ModelPoolOptions.PreferOnnxRuntime"/> false means PredictionEngines for an ONNX file too, as its
    /// documentation says ("false always uses ML.NET PredictionEngines"): only a zip honoured it, and an ONNX file was served
    /// through the shared session whatever the option said.</summary>
    [Fact]
    public void Declining_onnx_runtime_serves_an_onnx_file_through_prediction_engines()
    {
        using var temp = new TempFolder();
        var (pipeline, _, _) = IrisFlowers.Trained.Value;
        var onnx = temp.File("iris.onnx");
        File.WriteAllBytes(onnx, IrisFlowers.Network(pipeline).OnnxModel);
        var flower = IrisFlowers.All()[7];
        using var engines = new ModelPool<IrisFlowers.Flower, Prediction>(onnx, Quiet with { PreferOnnxRuntime = false });
        using var session = new ModelPool<IrisFlowers.Flower, Prediction>(onnx, Quiet);
        Assert.Equal("prediction-engine", engines.Backend);
        Assert.Equal("onnx-runtime", session.Backend);
        Assert.Equal(session.Predict(flower).PredictedLabel, engines.Predict(flower).PredictedLabel);
    }

    public sealed class SixteenValues
    {
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    /// <summary>A model renamed into place over the served one is a new file (a new inode) even when its length and
    /// modification time are the old one's: a retrained network of the same architecture has the same length, and
    /// deployment tools that keep timestamps (rsync -a, cp -p, tar, a reproducible build's fixed times) or a clock tick
    /// shared by two saves give the same time. The pool compared only length and time, so it kept serving the old model.</summary>
    [LinuxFact("a file's inode through statx")]
    public void A_model_renamed_into_place_with_the_old_ones_length_and_time_is_reloaded()
    {
        using var temp = new TempFolder();
        var served = temp.File("served.onnx");
        File.WriteAllBytes(served, TestModels.SmallMlp(seed: 1).Onnx);
        var row = new SixteenValues { Features = TestModels.RandomRows(1, 16, 3) };
        using var pool = new ModelPool<SixteenValues, Prediction>(served, Quiet);
        var before = pool.Predict(row).Score;

        var retrained = TestModels.SmallMlp(seed: 2).Onnx;
        Assert.Equal(new FileInfo(served).Length, retrained.Length);
        var staged = temp.File("staged.onnx");
        File.WriteAllBytes(staged, retrained);
        File.SetLastWriteTimeUtc(staged, File.GetLastWriteTimeUtc(served));
        File.Move(staged, served, overwrite: true);

        Assert.True(pool.ReloadIfChanged());
        Assert.Equal(1, pool.Generation);
        using var scorer = new OnnxScorer(retrained, Quiet.Scorer);
        Assert.NotEqual(before, pool.Predict(row).Score);
        Assert.Equal(scorer.Score(row.Features, 1), pool.Predict(row).Score);
    }

    /// <summary>A release layout (models/current → releases/v1, the way Capistrano-style deploys and Kubernetes' mounted
    /// volumes swap a version in) changes the served file by re-pointing a link above it. The file-system watcher watches the
    /// folder the link pointed to when the pool opened, which nothing ever changes again, so the pool kept serving v1 for
    /// good. The pool now also looks at the file's identity every <see cref="ModelPoolOptions.PollInterval"/>.</summary>
    [LinuxFact("mv -T to rename a link to a folder over another")]
    public void A_model_swapped_in_by_re_pointing_a_folder_link_is_reloaded()
    {
        using var temp = new TempFolder();
        foreach (var (version, seed) in new[] { ("v1", 1), ("v2", 2) })
        {
            Directory.CreateDirectory(temp.File(version));
            File.WriteAllBytes(Path.Combine(temp.File(version), "model.onnx"), TestModels.SmallMlp(seed).Onnx);
        }
        var current = temp.File("current");
        Directory.CreateSymbolicLink(current, temp.File("v1"));
        var row = new SixteenValues { Features = TestModels.RandomRows(1, 16, 3) };
        using var pool = new ModelPool<SixteenValues, Prediction>(Path.Combine(current, "model.onnx"),
            Quiet with { WatchForChanges = true, PollInterval = TimeSpan.FromMilliseconds(100) });

        // ln -sfn: a new link renamed over the old one (File.Move refuses a link to a folder).
        Directory.CreateSymbolicLink(temp.File("next"), temp.File("v2"));
        using (var mv = Process.Start("mv", ["-T", temp.File("next"), current])) mv.WaitForExit();
        Assert.Equal(temp.File("v2"), new DirectoryInfo(current).LinkTarget);

        var clock = Stopwatch.StartNew();
        while (pool.Generation == 0 && clock.Elapsed < TimeSpan.FromSeconds(4)) Thread.Sleep(20);
        Assert.Equal(1, pool.Generation);
        using var v2 = new OnnxScorer(TestModels.SmallMlp(2).Onnx, Quiet.Scorer);
        Assert.Equal(v2.Score(row.Features, 1), pool.Predict(row).Score);
    }

    /// <summary>A file that does not load is reported once, not at every look: polling would otherwise repeat the same
    /// line every interval for as long as the broken file stays.</summary>
    [Fact]
    public void A_broken_file_is_reported_once_until_it_changes_again()
    {
        using var temp = new TempFolder();
        var served = temp.File("served.onnx");
        File.WriteAllBytes(served, TestModels.SmallMlp(seed: 1).Onnx);
        var logged = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var pool = new ModelPool<SixteenValues, Prediction>(served, Quiet with { Log = logged.Enqueue });
        File.WriteAllBytes(served, [1, 2, 3]);
        Assert.False(pool.ReloadIfChanged());
        Assert.False(pool.ReloadIfChanged());
        Assert.Single(logged);
        File.WriteAllBytes(served, [1, 2, 3, 4]);
        Assert.False(pool.ReloadIfChanged());
        Assert.Equal(2, logged.Count);
        File.WriteAllBytes(served, TestModels.SmallMlp(seed: 2).Onnx);
        Assert.True(pool.ReloadIfChanged());
    }

    public sealed class ClassIndexPrediction
    {
        public float[] Score { get; set; } = [];
        public long[] PredictedClass { get; set; } = [];
    }

    /// <summary>A network zip of the first np (Tests/Cli.Tests/Compatibility/1c7fe1e/mlp.zip) has no PredictedLabel: its
    /// class is the Int64 PredictedClass of that day. ML.NET's engine left a PredictedLabel it was asked for at 0, so every
    /// prediction came back as "no class" without a word; the pool now refuses such a class, naming the file and the
    /// column, and still serves one that reads PredictedClass.</summary>
    [Fact]
    public void A_prediction_member_the_model_does_not_write_is_refused_rather_than_left_at_zero()
    {
        var zip = Path.Combine(Repository.Root, "Tests", "Cli.Tests", "Compatibility", "1c7fe1e", "mlp.zip");
        var e = Assert.Throws<InvalidDataException>(() => new ModelPool<MnistRows.Row, MnistRows.Prediction>(zip, Quiet));
        Assert.StartsWith(zip, e.Message);
        Assert.Contains("PredictedLabel", e.Message);
        Assert.Contains("PredictedClass", e.Message);

        var rows = MnistRows.Rows(MnistRows.Test(20));
        using var pool = new ModelPool<MnistRows.Row, ClassIndexPrediction>(zip, Quiet);
        using var scorer = OnnxScorer.Load(Path.Combine(Path.GetDirectoryName(zip)!, "mlp.onnx"), Quiet.Scorer);
        var expected = scorer.Predict(rows.SelectMany(r => r.Features).ToArray(), rows.Length);
        Assert.Equal(expected, pool.Predict(rows).Select(p => (int)p.PredictedClass[0]));
    }

    [Fact]
    public void A_colorizer_is_refused_naming_the_file_and_what_it_is()
    {
        using var temp = new TempFolder();
        var onnx = temp.File("colorizer.onnx");
        File.WriteAllBytes(onnx, TinyColorizer.Onnx);
        var e = Assert.Throws<InvalidDataException>(() => new ModelPool<IrisFlowers.Flower, Prediction>(onnx, Quiet));
        Assert.StartsWith(onnx, e.Message);
        Assert.Contains("colorizer", e.Message);
    }

    [Fact]
    public void The_container_hands_out_one_pool_over_the_onnx_file_and_disposes_it()
    {
        using var temp = new TempFolder();
        var (pipeline, _, _) = IrisFlowers.Trained.Value;
        var onnx = temp.File("iris.onnx");
        File.WriteAllBytes(onnx, IrisFlowers.Network(pipeline).OnnxModel);
        var zipPool = new ModelPool<IrisFlowers.Flower, Prediction>(SaveIrisNetwork(temp), Quiet);

        var services = new ServiceCollection().AddModelPool<IrisFlowers.Flower, Prediction>(onnx, Quiet);
        ModelPool<IrisFlowers.Flower, Prediction> pool;
        var flower = IrisFlowers.All()[120];
        using (var provider = services.BuildServiceProvider())
        {
            pool = provider.GetRequiredService<ModelPool<IrisFlowers.Flower, Prediction>>();
            Assert.Same(pool, provider.GetRequiredService<ModelPool<IrisFlowers.Flower, Prediction>>());
            Assert.Equal("onnx-runtime", pool.Backend);
            Assert.True(Same(zipPool.Predict(flower), pool.Predict(flower)));
        }
        Assert.Throws<ObjectDisposedException>(() => pool.Predict(flower));
        zipPool.Dispose();
    }
}
