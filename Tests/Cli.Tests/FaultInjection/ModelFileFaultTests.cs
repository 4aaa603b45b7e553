using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Validation;
using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>Hundreds of seeded bit flips and truncations of each model format, each loaded in-process through the public
/// loaders (issue 13, point 5): every case must give one clear line naming the file or exactly the undamaged model's
/// answer, and no load may allocate more than a bound that follows the file's real size. The counts are in docs/RELIABILITY.md.</summary>
public sealed class ModelFileFaultTests(OutputSafetyFixture models, ITestOutputHelper output) : IClassFixture<OutputSafetyFixture>
{
    // Well above what an honest load of these files allocates on its thread (measured: 0.1 MB for the checkpoint, 0.2 MB
    // for the ONNX file, 1 to 3 MB for an ML.NET zip with its catalog), far below what a header that lies about its sizes made a reader
    // allocate before (2.1 GB for the IDX file, 3.15 GB for its checkpoint).
    private const long NativeFormatBound = 8L << 20;
    private const long MlNetBound = 64L << 20;

    // 16 shipped MNIST test images: what every loaded model is asked.
    private static readonly Lazy<LabelledImages> Images = new(() => new DatasetCatalog().LoadImages("mnist").Test.Take(16));

    private static readonly OnnxScorerOptions Quiet = new() { PreferCuda = false, IntraOpNumThreads = 1, Log = _ => { } };

    [Fact]
    public void Damaged_checkpoints_are_refused_by_name_or_answer_exactly_as_the_original()
    {
        var tally = Run("checkpoint", models.Checkpoint, "c.ckpt", seed: 13, flips: 250, truncations: 100, LoadCheckpoint, NativeFormatBound);
        // The checksum leaves no flip to chance: every one is refused.
        Assert.Equal(tally.Cases, tally.CleanErrors);
    }

    [Fact]
    public void Damaged_onnx_files_are_refused_by_name_or_answer_exactly_as_the_original()
    {
        Run("onnx", models.Onnx, "o.onnx", seed: 17, flips: 250, truncations: 100, LoadOnnx, NativeFormatBound);
    }

    [Fact]
    public void Damaged_mlnet_zips_are_refused_by_name_or_answer_exactly_as_the_original()
    {
        Run("mlnet zip (np export --mlnet)", models.OnnxZip, "z.zip", seed: 19, flips: 200, truncations: 60, LoadZip, MlNetBound);
        Run("mlnet zip (np regress)", models.Zip, "r.zip", seed: 23, flips: 100, truncations: 40, LoadRegressionZip, MlNetBound);
    }

    private FaultTally Run(string format, string original, string name, int seed, int flips, int truncations, Func<string, double[]> load, long bound)
    {
        using var temp = new TempFolder();
        var bytes = File.ReadAllBytes(original);
        var expected = load(original);
        var tally = new FaultTally(format);
        var path = temp.File(name);
        foreach (var damage in Damage.Cases(bytes, seed, flips, truncations))
        {
            tally.Run(damage, path, load, expected, bound);
            // Loading never writes: the damaged file is the only one there.
            Assert.Equal([path], Directory.GetFiles(temp.Path));
        }
        output.WriteLine($"{tally} ({bytes.Length:N0}-byte file)");
        Assert.True(tally.Defects.Count == 0, $"{tally}:\n{string.Join('\n', tally.Defects.Take(20))}");
        return tally;
    }

    private double[] LoadCheckpoint(string path)
    {
        var model = ClassifierCheckpoint.Load(path).Model;
        var images = Images.Value;
        var x = images.Pixels.ToArray();
        if (model.Normalization is { } norm)
            for (int i = 0; i < images.Count; i++) norm.Apply(x.AsSpan(i * images.ImageLength, images.ImageLength), model.InputShape[0]);
        var y = model.Network.Forward(new Tensor(x, [images.Count, .. model.InputShape]), training: false);
        return [.. y.Span.ToArray().Select(v => (double)v)];
    }

    private double[] LoadOnnx(string path)
    {
        using var scorer = OnnxScorer.Load(path, Quiet);
        return [.. scorer.Score(Images.Value.Pixels, Images.Value.Count).Select(v => (double)v)];
    }

    private double[] LoadZip(string path)
    {
        using var saved = SavedModel.Load(path);
        var e = saved.Evaluate(Images.Value);
        return [e.Correct, e.LogLoss ?? double.NaN, .. e.Confusion.SelectMany(r => r).Select(c => (double)c)];
    }

    private static double[] LoadRegressionZip(string path)
    {
        using var saved = SavedModel.Load(path);
        var e = saved.EvaluateRegression(NeuralPipelines.Data.ShippedData.TablePath("diabetes")!, "target");
        return [e.Count, e.Rmse, e.RSquared, e.Mae];
    }
}
