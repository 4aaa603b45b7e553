using Microsoft.ML.OnnxRuntime;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary><c>np export --triton</c>'s repository: the layout Triton loads, and a config.pbtxt whose names, types and
/// dims are the ONNX graph's as ONNX Runtime reads it.</summary>
public sealed class TritonRepositoryTests
{
    private static (byte[] Onnx, ModelCard Card) LeNet()
    {
        var card = new ModelCard { Architecture = "lenet5", InputShape = [1, 28, 28], ClassLabels = Enumerable.Range(0, 10).Select(i => $"{i}").ToArray(), Seed = 3 };
        var network = ModelZoo.Build("lenet5", new ZooOptions(1, 28, 28, Classes: 10, Seed: 3));
        return (OnnxExporter.ExportBytes(network, card), card);
    }

    [Fact]
    public void The_repository_holds_the_model_unchanged_and_a_config_matching_its_graph()
    {
        using var temp = new TempFolder();
        var (onnx, _) = LeNet();
        var repository = temp.File("models");
        var config = TritonRepository.Write(repository, "lenet5", onnx, maxBatchSize: 128);

        var files = Directory.GetFiles(repository, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repository, f)).Order();
        Assert.Equal(["lenet5/1/model.onnx", "lenet5/config.pbtxt"], files);
        Assert.Equal(onnx, File.ReadAllBytes(Path.Combine(repository, "lenet5", "1", "model.onnx")));

        var text = File.ReadAllText(Path.Combine(repository, "lenet5", "config.pbtxt"));
        Assert.Equal(config.ToText(), text);
        var parsed = ProtoText.Parse(text);
        Assert.Equal("lenet5", parsed.String("name"));
        Assert.Equal("onnxruntime_onnx", parsed.String("platform"));
        Assert.Equal("128", parsed.Scalar("max_batch_size"));
        Assert.Equal("2000", parsed.Child("dynamic_batching").Scalar("max_queue_delay_microseconds"));

        using var session = new InferenceSession(Path.Combine(repository, "lenet5", "1", "model.onnx"));
        AssertMatches(session.InputMetadata, parsed.Children("input").ToList());
        AssertMatches(session.OutputMetadata, parsed.Children("output").ToList());
    }

    /// <summary>Each config entry names a graph tensor in order, with Triton's name for its type and its dims after the
    /// batch axis; a [batch] tensor is dims [1] reshaped to [].</summary>
    private static void AssertMatches(IReadOnlyDictionary<string, NodeMetadata> graph, List<ProtoText.Message> config)
    {
        Assert.Equal(graph.Keys, config.Select(c => c.String("name")));
        foreach (var entry in config)
        {
            var tensor = graph[entry.String("name")];
            Assert.Equal(tensor.ElementDataType switch
            {
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float => "TYPE_FP32",
                Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64 => "TYPE_INT64",
                var other => $"unexpected {other}",
            }, entry.Scalar("data_type"));
            Assert.Equal(-1, tensor.Dimensions[0]);
            var dims = entry["dims"].Select(d => int.Parse((string)d)).ToArray();
            if (tensor.Dimensions.Length == 1)
            {
                Assert.Equal([1], dims);
                Assert.Empty(entry.Child("reshape")["shape"]);
            }
            else
            {
                Assert.Equal(tensor.Dimensions[1..], dims);
                Assert.False(entry.ContainsKey("reshape"));
            }
        }
    }

    [Fact]
    public void The_model_in_the_repository_scores_mnist_as_the_exported_bytes_do()
    {
        using var temp = new TempFolder();
        var (onnx, _) = LeNet();
        TritonRepository.Write(temp.Path, "digits", onnx);
        var images = MnistRows.Test(64);
        var options = new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 };
        using var original = new OnnxScorer(onnx, options);
        using var served = OnnxScorer.Load(Path.Combine(temp.Path, "digits", "1", "model.onnx"), options);
        Assert.Equal(original.Score(images.Pixels, images.Count), served.Score(images.Pixels, images.Count));
        var config = ProtoText.Parse(File.ReadAllText(Path.Combine(temp.Path, "digits", "config.pbtxt")));
        Assert.Equal(TritonModelConfig.DefaultMaxBatchSize.ToString(), config.Scalar("max_batch_size"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("my model")]
    public void A_name_that_is_not_a_folder_name_is_refused_before_anything_is_written(string name)
    {
        using var temp = new TempFolder();
        var onnx = TestModels.SmallMlp().Onnx;
        var e = Assert.Throws<ArgumentException>(() => TritonRepository.Write(temp.File("repo"), name, onnx));
        Assert.Contains("not a Triton model name", e.Message);
        Assert.False(Directory.Exists(temp.File("repo")));
    }

    [Fact]
    public void A_failed_write_leaves_no_repository_and_no_temporary_files()
    {
        using var temp = new TempFolder();
        var onnx = TestModels.SmallMlp().Onnx;
        // A new repository whose other staged output fails: the folders made for it go again.
        var fresh = temp.File("fresh");
        Assert.ThrowsAny<IOException>(() => TritonRepository.Write(fresh, "mlp", onnx,
            alongside: files => files.Add(temp.File("no-such-folder/x.onnx"), s => s.Write(onnx))));
        Assert.False(Directory.Exists(fresh));

        // An existing entry whose config.pbtxt is a folder: the model file is not replaced and no temporary file stays.
        var repository = temp.File("repo");
        TritonRepository.Write(repository, "mlp", onnx);
        var model = Path.Combine(repository, "mlp", "1", "model.onnx");
        var before = File.ReadAllBytes(model);
        File.Delete(Path.Combine(repository, "mlp", "config.pbtxt"));
        Directory.CreateDirectory(Path.Combine(repository, "mlp", "config.pbtxt"));
        var other = TestModels.SmallMlp(seed: 9).Onnx;
        Assert.ThrowsAny<IOException>(() => TritonRepository.Write(repository, "mlp", other));
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.Equal(["model.onnx"], Directory.GetFiles(Path.Combine(repository, "mlp", "1")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_graph_without_a_batch_axis_is_refused_naming_the_tensor()
    {
        var model = global::Onnx.ModelProto.Parser.ParseFrom(TestModels.SmallMlp().Onnx);
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new global::Onnx.TensorShapeProto.Types.Dimension { DimValue = 1 };
        var e = Assert.Throws<InvalidDataException>(() => TritonModelConfig.FromOnnx(model, "mlp"));
        Assert.Contains("input 'input' has shape [1, 1, 4, 4] with no batch axis first", e.Message);
    }

    [Fact]
    public void A_largest_batch_below_one_is_refused_and_none_given_takes_the_scorers()
    {
        var model = global::Onnx.ModelProto.Parser.ParseFrom(TestModels.SmallMlp().Onnx);
        Assert.Contains("at least 1, got 0", Assert.Throws<ArgumentException>(() => TritonModelConfig.FromOnnx(model, "mlp", 0)).Message);
        Assert.Equal(TritonModelConfig.DefaultMaxBatchSize, TritonModelConfig.FromOnnx(model, "mlp").MaxBatchSize);
    }
}
