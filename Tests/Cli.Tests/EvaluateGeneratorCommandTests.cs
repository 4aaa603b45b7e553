using System.Text.Json;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np evaluate-generator</c> end to end: a briefly trained GMMN (checkpoint and ONNX export) and real training
/// images judged by a briefly trained LeNet-5, the JSON keys the experiments table is built from, and bad input.</summary>
public sealed class EvaluateGeneratorCommandTests : IClassFixture<EvaluateGeneratorCommandTests.Trained>
{
    private readonly Trained _trained;

    public EvaluateGeneratorCommandTests(Trained trained) => _trained = trained;

    /// <summary>A GMMN after one short epoch, its ONNX export, and a LeNet-5 and an MLP after one epoch on 1,000 digits.</summary>
    public sealed class Trained : IDisposable
    {
        public readonly TempFolder Folder = new();
        public string Gmmn => Folder.File("gmmn.ckpt");
        public string Onnx => Folder.File("gmmn.onnx");
        public string LeNet => Folder.File("lenet5.ckpt");
        public string Mlp => Folder.File("mlp.ckpt");

        public Trained()
        {
            foreach (var args in new[]
            {
                new[] { "train", "gmmn", "--epochs", "1", "--batch-size", "500", "--train-limit", "1000", "--out", Gmmn },
                ["export", "--model", Gmmn, "--out", Onnx],
                ["train", "lenet5", "--epochs", "1", "--train-limit", "1000", "--out", LeNet],
                ["train", "mlp", "--epochs", "1", "--train-limit", "1000", "--no-train-eval", "--out", Mlp],
            })
            {
                var r = Np(args);
                if (r.Code != 0) throw new InvalidOperationException(r.Err);
            }
        }

        public void Dispose() => Folder.Dispose();
    }

    private static JsonElement Evaluate(params string[] args)
    {
        var (code, stdout, stderr) = Np(["evaluate-generator", .. args, "--samples", "1500", "--json"]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Fact]
    public void Real_images_score_better_than_an_undertrained_gmmn_and_its_onnx_export_scores_like_its_checkpoint()
    {
        var real = Evaluate("--real", "--classifier", _trained.LeNet);
        var gmmn = Evaluate("--model", _trained.Gmmn, "--classifier", _trained.LeNet);
        var onnx = Evaluate("--model", _trained.Onnx, "--classifier", _trained.LeNet);

        foreach (var key in new[] { "mmd2", "most_to_least", "mean_confidence", "lenet_fid", "parzen_log_likelihood", "parzen_sigma", "parzen_stderr" })
            Assert.True(real.TryGetProperty(key, out _), key);
        Assert.Equal(10, real.GetProperty("class_shares").GetArrayLength());
        Assert.Equal(10, real.GetProperty("class_confidence").GetArrayLength());
        Assert.All(real.GetProperty("class_confidence").EnumerateArray(), c => Assert.InRange(c.GetDouble(), 0.1, 1.0));
        Assert.Equal(10, real.GetProperty("classes_present").GetInt32());
        Assert.Equal((1500, 1500), (real.GetProperty("samples").GetInt32(), gmmn.GetProperty("samples").GetInt32()));
        Assert.Equal("gmmn", gmmn.GetProperty("kind").GetString());
        Assert.True(gmmn.GetProperty("mmd2").GetDouble() > 3 * real.GetProperty("mmd2").GetDouble());
        Assert.True(gmmn.GetProperty("lenet_fid").GetDouble() > 3 * real.GetProperty("lenet_fid").GetDouble());
        Assert.True(gmmn.GetProperty("parzen_log_likelihood").GetDouble() < real.GetProperty("parzen_log_likelihood").GetDouble());
        // The same noise through the same weights: ONNX Runtime and our forward agree to rounding.
        Assert.Equal(gmmn.GetProperty("mmd2").GetDouble(), onnx.GetProperty("mmd2").GetDouble(), 1e-4);
        Assert.Equal(gmmn.GetProperty("lenet_fid").GetDouble(), onnx.GetProperty("lenet_fid").GetDouble(), 1e-2);
    }

    [Fact]
    public void Bad_input_gives_one_line_and_a_non_zero_exit()
    {
        static void Refused((int Code, string Out, string Err) r, string expected)
        {
            Assert.NotEqual(0, r.Code);
            Assert.Contains(expected, r.Err);
        }
        Refused(Np("evaluate-generator", "--real", "--model", _trained.Gmmn, "--classifier", _trained.LeNet), "without --model");
        Refused(Np("evaluate-generator", "--classifier", _trained.LeNet), "--real");
        Refused(Np("evaluate-generator", "--model", _trained.LeNet, "--classifier", _trained.LeNet), "not a generator");
        Refused(Np("evaluate-generator", "--model", _trained.Gmmn, "--classifier", _trained.Gmmn), "not a classifier");
        // Audit H6: 100,000,000 samples failed naming a tensor shape, not the option.
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--model", _trained.Gmmn, "--classifier", _trained.LeNet, "--samples", "100000000"],
            "--samples 100000000: at most 2,739,137 images of 1×28×28 pixels");
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--model", _trained.Onnx, "--classifier", _trained.LeNet, "--samples", "100000000"],
            "--samples 100000000: at most 2,739,137 images");
    }

    /// <summary>Audit H10: an MLP was accepted and the Fréchet distance of its 100 hidden units reported as "LeNet FID" (the
    /// lenet_fid key), not comparable with the documented figures. Any classifier but a LeNet-5, and any other checkpoint,
    /// is refused before a sample is drawn: 100,000,000 samples would be refused by the draw, naming --samples.</summary>
    [Fact]
    public void A_classifier_other_than_lenet5_is_refused_naming_the_file_before_any_sampling()
    {
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--model", _trained.Gmmn, "--classifier", _trained.Mlp, "--samples", "100000000"],
            $"{_trained.Mlp} is a classifier of architecture mlp, not a LeNet-5", "np train lenet5 --data");
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--real", "--classifier", _trained.Mlp], _trained.Mlp, "not a LeNet-5");
        AssertFailsWithOneLine("evaluate-generator", ["evaluate-generator", "--model", _trained.Gmmn, "--classifier", _trained.Gmmn],
            $"{_trained.Gmmn} holds a gmmn model, not a classifier", "np train lenet5 --data");
    }
}
